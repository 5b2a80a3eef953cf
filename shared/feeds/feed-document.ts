import type { BrandAssets } from '../branding/brand-assets.ts';
import type { FeedItem } from './feed-items.ts';
import type { PollingHints } from './polling-hints.ts';
import { sanitizeText } from './xml-text.ts';

/**
 * What the three format renderers share: the document head (title, links) and the renderer
 * shape that lets `build-feeds.ts` apply the byte cap once for every format.
 */

/** Links of one document, all absolute URLs. */
export interface FeedLinks {
  /** This very document (`rel="self"`, JSON `feed_url`). */
  self: string;
  /** The HTML page the feed mirrors (`rel="alternate"`, RSS `<link>`, JSON `home_page_url`). */
  home: string;
  /** RFC 5005 `current`: the subscription document (archives only). */
  current?: string;
  /** RFC 5005 `prev-archive`: the next older archive document. */
  prevArchive?: string;
  /** RFC 5005 `next-archive`: the next newer archive document (archives only). */
  nextArchive?: string;
  /** WebSub hub (subscription documents only: archives never change). */
  hub?: string;
}

/** Feed-level data of one document. Strings are sanitised (see `sanitizeHead`); renderers escape. */
export interface FeedHead {
  /** Atom feed id: the same for a feed's subscription and archive documents. */
  id: string;
  title: string;
  description: string;
  /** The paper (feed-level author, and author of items without a byline). */
  paperName: string;
  siteUrl: string;
  links: FeedLinks;
  /** RFC 5005 archive document (`fh:archive`): immutable, never capped. */
  archive: boolean;
  /** Icon, logo and accent colour (shared/branding): absolute URLs from the config. */
  brand: BrandAssets;
  /** Polling hints (subscription documents only). */
  polling?: PollingHints;
}

/** An item's fragment in one format; `text` `''` when the format omits the item. */
export interface Fragment {
  text: string;
  /** UTF-8 length of `text`: its length plus the item's precomputed non-ASCII extra. */
  bytes: number;
}

/** An item with its rendered fragment in one format. */
export interface RenderedItem extends Fragment {
  item: FeedItem;
}

/**
 * A format: items render to independent fragments, and a document is a head, the fragments
 * joined by `separator`, and a tail. So a document's size is additive in its items and the
 * byte cap can drop items without re-rendering the others.
 */
export interface FormatRenderer {
  /**
   * The item's fragment; empty when this format omits the item (a retraction in RSS or JSON
   * Feed), which still counts as a content change for the feed's date.
   */
  fragment(item: FeedItem, head: FeedHead): Fragment;
  document(head: FeedHead, items: readonly RenderedItem[]): string;
  separator: string;
}

/** The head with every string sanitised, so renderers only escape. */
export const sanitizeHead = (head: FeedHead): FeedHead => {
  const links: FeedLinks = { self: sanitizeText(head.links.self), home: sanitizeText(head.links.home) };
  if (head.links.current !== undefined) links.current = sanitizeText(head.links.current);
  if (head.links.prevArchive !== undefined) links.prevArchive = sanitizeText(head.links.prevArchive);
  if (head.links.nextArchive !== undefined) links.nextArchive = sanitizeText(head.links.nextArchive);
  if (head.links.hub !== undefined) links.hub = sanitizeText(head.links.hub);
  return {
    id: sanitizeText(head.id),
    title: sanitizeText(head.title),
    description: sanitizeText(head.description),
    paperName: sanitizeText(head.paperName),
    siteUrl: sanitizeText(head.siteUrl),
    links,
    archive: head.archive,
    brand: head.brand,
    ...(head.polling === undefined ? {} : { polling: head.polling }),
  };
};

/** The fragment of an item a format leaves out. */
export const omitted: Fragment = { text: '', bytes: 0 };

/** Fallback `updated` of a feed with no items at all: fixed, so output stays deterministic. */
export const emptyFeedUpdated = '1970-01-01T08:00:00+08:00';
