import type { SiteConfig } from '../config.ts';
import type { PublishedArticle, PublishedIssue } from '../model/published.ts';
import type { ArticleEntry, FeedItem } from './feed-item.ts';
import type { FeedSpec } from './feed-spec.ts';
import { type ItemCache, versionKey } from './item-cache.ts';
import { siteDomain, toItem } from './item-from-article.ts';

// What callers import from here; each lives in the module that owns it.
export type { FeedItem } from './feed-item.ts';
export { cachedFragment, createItemCache, type ItemCache } from './item-cache.ts';
export { siteDomain } from './item-from-article.ts';

/**
 * Item preparation shared by the three formats: which articles are items, in which order, made
 * on first access. What an item holds is feed-item.ts; how an article becomes one,
 * item-from-article.ts; sharing items between the documents of one build, item-cache.ts.
 */

/**
 * Whether an article is an item: teasers that point to another page (导读 with 详见今日第N版)
 * are not — the article they announce is the item; photo items are.
 */
const isFeedArticle = (article: PublishedArticle): boolean =>
  !(article.kind === 'teaser' && (article.jump !== undefined || article.jumpTarget !== undefined));

/** A list of items made on first access: a capped document never prepares what it drops. */
export interface ItemList {
  readonly length: number;
  at(index: number): FeedItem;
}

const issueEntries = (spec: FeedSpec, issue: PublishedIssue): ArticleEntry[] => {
  const entries: ArticleEntry[] = [];
  for (const page of issue.pages) {
    // A section feed selects by slug, the feed's identity: two 版名 that share one (homophones
    // such as 综合 and 宗和, or a section renamed to a name of the same pinyin) must not hide each
    // other's items.
    if (spec.section !== undefined && page.sectionSlug !== spec.slug) continue;
    for (const article of page.articles) if (isFeedArticle(article)) entries.push({ issue, page, article });
  }
  return entries.sort((a, b) => a.article.order - b.article.order || a.page.number - b.page.number);
};

const lazyItems = (entries: readonly ArticleEntry[], config: SiteConfig, given?: ItemCache): ItemList => {
  const domain = config.idAuthority ?? siteDomain(config.siteUrl);
  // A cache made for another configuration (other site URL or title) must not serve this one.
  const cache = given?.config === config ? given : undefined;
  const made: FeedItem[] = [];
  return {
    length: entries.length,
    at: (index) => {
      let item = made[index];
      if (item === undefined) {
        const entry = entries[index];
        if (entry === undefined) throw new RangeError(`no item ${index} of ${entries.length}`);
        const key = cache === undefined ? undefined : versionKey(entry);
        item = key === undefined ? undefined : cache!.items.get(key);
        if (item === undefined) {
          item = toItem(entry.issue, entry.page, entry.article, config, domain);
          if (key !== undefined) cache!.items.set(key, item);
        }
        made[index] = item;
      }
      return item;
    },
  };
};

/** Items of one issue for one feed, in reading order (page, then order on the page). */
export const issueItemList = (
  spec: FeedSpec,
  issue: PublishedIssue,
  config: SiteConfig,
  cache?: ItemCache,
): ItemList => lazyItems(issueEntries(spec, issue), config, cache);

/**
 * Items of a window of issues: newest issue first, each in reading order (publishing gives
 * reading order descending times, so this is also newest first by time). Issues are re-sorted
 * by date so the order never depends on how the caller listed them.
 */
export const windowItemList = (
  spec: FeedSpec,
  window: readonly PublishedIssue[],
  config: SiteConfig,
  cache?: ItemCache,
): ItemList => {
  const issues = [...window].sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
  return lazyItems(
    issues.flatMap((issue) => issueEntries(spec, issue)),
    config,
    cache,
  );
};

/** Every item of an item list, made now. */
export const allItems = (list: ItemList): FeedItem[] =>
  Array.from({ length: list.length }, (_, i) => list.at(i));

/** Items of a window of issues, as an array (see `windowItemList`). */
export const windowItems = (
  spec: FeedSpec,
  window: readonly PublishedIssue[],
  config: SiteConfig,
): FeedItem[] => allItems(windowItemList(spec, window, config));

/** Newest `updated` (or deletion time) among items: the feed's last content change. */
export const latestChange = (items: readonly FeedItem[]): string | undefined => {
  let best: FeedItem | undefined;
  for (const item of items) if (best === undefined || item.changedSeconds > best.changedSeconds) best = item;
  return best === undefined ? undefined : (best.deletedAt ?? best.updated);
};
