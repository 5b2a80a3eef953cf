import type { SiteConfig } from '../config.ts';
import type { PublishedArticle } from '../model/published.ts';
import type { ArticleEntry, FeedItem } from './feed-item.ts';

/**
 * Items and their fragments made during one build (one publish, one rebuild step), shared by
 * every document that shows the same article version: the all-sections feed and the section
 * feed, the subscription document and the archives. Without it each article of a window is
 * prepared twice (all + its section) and each archived one twice more. A cache serves one
 * configuration and lives as long as the build: documents read from storage in another build
 * are other versions, so nothing may be kept across builds.
 */
export interface ItemCache {
  readonly config: SiteConfig;
  readonly items: Map<string, FeedItem>;
  /** Fragment per renderer; fragments depend only on the item and the paper name (config). */
  readonly fragments: WeakMap<FeedItem, Map<unknown, unknown>>;
}

export const createItemCache = (config: SiteConfig): ItemCache => ({
  config,
  items: new Map(),
  fragments: new WeakMap(),
});

/**
 * What an item is made from, as a key. `contentHash` covers the article's text fields (kind,
 * kicker, title, subtitle, column, byline, dateline, paragraphs, caption, jump — the content
 * hash's definition, shared/publish/content-hash.ts); the rest is what publishing decided (times, status, the
 * resolved jump) and where the article stands (issue, page, section). Publishing's windows hold
 * copies of the same issue (the all-sections window and each section's), so identity would miss.
 */
export const versionKey = ({ issue, page, article }: ArticleEntry) => {
  const jump = article.jumpTarget;
  return [
    issue.date,
    issue.paper.name,
    page.number,
    page.section,
    page.sectionSlug,
    article.id,
    article.contentHash,
    article.published,
    article.updated,
    article.status,
    article.retractedAt ?? '',
    jump === undefined ? '' : `${jump.page}\u0001${jump.id}\u0001${jump.title}`,
    photosVersion(article),
  ].join('\u0000');
};

/** What of an article's photos its item shows: attaching, replacing or re-captioning one is a new version. */
const photosVersion = (article: PublishedArticle) =>
  (article.photos ?? [])
    .map((p) =>
      [
        p.large.key,
        p.large.bytes,
        p.thumbnail.key,
        p.caption ?? '',
        p.credit?.printed ?? '',
        ...(p.credit?.photographers ?? []),
      ].join('\u0001'),
    )
    .join('\u0002');

/** A fragment made once per item and renderer within a build (see {@link ItemCache}). */
export const cachedFragment = <F>(
  cache: ItemCache | undefined,
  item: FeedItem,
  renderer: object,
  make: () => F,
): F => {
  if (cache === undefined) return make();
  let byRenderer = cache.fragments.get(item);
  if (byRenderer === undefined) {
    byRenderer = new Map();
    cache.fragments.set(item, byRenderer);
  }
  let fragment = byRenderer.get(renderer) as F | undefined;
  if (fragment === undefined) {
    fragment = make();
    byRenderer.set(renderer, fragment);
  }
  return fragment;
};
