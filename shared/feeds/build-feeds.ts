import { brandAssets } from '../branding/brand-assets.ts';
import type { SiteConfig } from '../config.ts';
import type { PublishedIssue } from '../model/published.ts';
import { archiveKey, type FeedFormat, feedKey, issueUrl, siteFileUrl } from '../site-layout.ts';
import { atomRenderer } from './atom.ts';
import {
  type FeedHead,
  type FeedLinks,
  type FormatRenderer,
  type RenderedItem,
  sanitizeHead,
} from './feed-document.ts';
import {
  allItems,
  cachedFragment,
  type ItemCache,
  type ItemList,
  issueItemList,
  windowItemList,
} from './feed-items.ts';
import type { FeedSpec } from './feed-spec.ts';
import { jsonFeedRenderer } from './json-feed.ts';
import { pollingHints } from './polling-hints.ts';
import { rssRenderer } from './rss.ts';
import { utf8ByteLength } from './xml-text.ts';

/**
 * The feed documents of one feed: pure functions from published issues to strings (UTF-8 when
 * stored). No clock is read: every time comes from the issues, so the same input gives the
 * same bytes (stable ETags, 304s for pollers). `feed` 6.0.0 is not used — see the TSDoc of
 * rss.ts, atom.ts and json-feed.ts for what it gets wrong in each format.
 */

/** One feed's three documents. */
export interface FeedDocuments {
  rss: string;
  atom: string;
  json: string;
}

const renderers: Record<FeedFormat, FormatRenderer> = {
  rss: rssRenderer,
  atom: atomRenderer,
  json: jsonFeedRenderer,
};

const formats: readonly FeedFormat[] = ['rss', 'atom', 'json'];

const describe = (spec: FeedSpec, config: SiteConfig) =>
  spec.section === undefined ? `${config.title} 全部版面全文` : `${config.title} ${spec.section}版全文`;

const headOf = (
  spec: FeedSpec,
  config: SiteConfig,
  description: string,
  links: FeedLinks,
  archive: boolean,
): FeedHead =>
  sanitizeHead({
    // One id for a feed's subscription and archive documents: they are one logical feed.
    id: siteFileUrl(config.siteUrl, feedKey(spec.slug, 'atom')),
    title: spec.title,
    description,
    paperName: config.title,
    siteUrl: config.siteUrl,
    links,
    archive,
    brand: brandAssets(config),
    ...(archive ? {} : { polling: pollingHints(config.publicationTime) }),
  });

/**
 * Render with the oldest items dropped until the document fits `maxBytes` (UTF-8). Items are
 * newest first, so dropping from the end removes the oldest issue's last items first; items
 * past the cut are never prepared. Sizes are additive (head + fragments + separators + tail,
 * dates fixed-width), so the cut is exact without re-rendering: the document never exceeds
 * the cap and one more item would. A document whose single newest item alone exceeds the cap
 * still carries that item: an over-size feed beats an empty one that hides the news.
 */
const renderWithinCap = (
  renderer: FormatRenderer,
  head: FeedHead,
  items: ItemList,
  maxBytes: number,
  cache?: ItemCache,
): string => {
  const separatorBytes = utf8ByteLength(renderer.separator);
  const rendered: RenderedItem[] = [];
  let size = 0;
  let shown = 0;
  for (let index = 0; index < items.length; index += 1) {
    const item = items.at(index);
    const { text, bytes } = cachedFragment(cache, item, renderer, () => renderer.fragment(item, head));
    const entry: RenderedItem = { item, text, bytes };
    if (text !== '') {
      if (shown === 0) {
        // Head and tail bytes: the document of this one item minus the item.
        size = utf8ByteLength(renderer.document(head, [entry])) - bytes;
      } else if (size + separatorBytes + bytes > maxBytes) break;
      size += bytes + (shown > 0 ? separatorBytes : 0);
      shown += 1;
    }
    rendered.push(entry);
  }
  return renderer.document(head, rendered);
};

/**
 * Subscription documents: `window` = the issues to show, newest first (caller passes up to
 * `config.windowIssues` issues that contain the section; more are cut, newest kept). Drops
 * oldest items until each document fits `config.maxFeedBytes` (UTF-8 bytes), per document.
 * `newestArchiveDate` = date of the newest archive document of this feed (RFC 5005
 * `prev-archive`), if any.
 */
export const buildSubscriptionFeeds = (
  spec: FeedSpec,
  window: readonly PublishedIssue[],
  links: { newestArchiveDate?: string },
  config: SiteConfig,
  cache?: ItemCache,
): FeedDocuments => {
  const newest = [...window]
    .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0))
    .slice(0, config.windowIssues);
  // Shared by the three formats: each item is prepared once, when the first format needs it.
  const items = windowItemList(spec, newest, config, cache);
  const result: Partial<FeedDocuments> = {};
  for (const format of formats) {
    const feedLinks: FeedLinks = {
      self: siteFileUrl(config.siteUrl, feedKey(spec.slug, format)),
      home: `${config.siteUrl}/`,
    };
    if (links.newestArchiveDate !== undefined) {
      feedLinks.prevArchive = siteFileUrl(
        config.siteUrl,
        archiveKey(spec.slug, links.newestArchiveDate, format),
      );
    }
    if (config.websubHub !== undefined) feedLinks.hub = config.websubHub;
    const head = headOf(spec, config, describe(spec, config), feedLinks, false);
    result[format] = renderWithinCap(renderers[format], head, items, config.maxFeedBytes, cache);
  }
  return result as FeedDocuments;
};

/**
 * Archive documents of one issue date for one feed (RFC 5005 `fh:archive`), with
 * `prev-archive` / `next-archive` to the neighbouring dates that have this feed and `current`
 * → the subscription document. Archives hold the whole issue (no byte cap: they are the
 * complete record), carry no hub (they never change) and link `alternate` to the issue page.
 */
export const buildArchiveFeeds = (
  spec: FeedSpec,
  issue: PublishedIssue,
  links: { prevDate?: string; nextDate?: string },
  config: SiteConfig,
  cache?: ItemCache,
): FeedDocuments => {
  const items = allItems(issueItemList(spec, issue, config, cache));
  const result: Partial<FeedDocuments> = {};
  for (const format of formats) {
    const feedLinks: FeedLinks = {
      self: siteFileUrl(config.siteUrl, archiveKey(spec.slug, issue.date, format)),
      home: issueUrl(config.siteUrl, issue.date),
      current: siteFileUrl(config.siteUrl, feedKey(spec.slug, format)),
    };
    if (links.prevDate !== undefined) {
      feedLinks.prevArchive = siteFileUrl(config.siteUrl, archiveKey(spec.slug, links.prevDate, format));
    }
    if (links.nextDate !== undefined) {
      feedLinks.nextArchive = siteFileUrl(config.siteUrl, archiveKey(spec.slug, links.nextDate, format));
    }
    const head = headOf(spec, config, `${describe(spec, config)} · ${issue.date} 存档`, feedLinks, true);
    const renderer = renderers[format];
    result[format] = renderer.document(
      head,
      items.map((item) => ({
        item,
        ...cachedFragment(cache, item, renderer, () => renderer.fragment(item, head)),
      })),
    );
  }
  return result as FeedDocuments;
};
