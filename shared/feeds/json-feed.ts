import {
  type FeedHead,
  type FormatRenderer,
  type Fragment,
  omitted,
  type RenderedItem,
} from './feed-document.ts';
import type { FeedItem } from './feed-items.ts';
import { jsonPhotoMembers } from './feed-photos.ts';
import { jsonString, utf8Extra } from './xml-text.ts';

/**
 * JSON Feed 1.1 as plain JSON. `feed` 6.0.0 writes JSON Feed version 1 only (no `language`,
 * only the first author, no `hubs`) and drops `id`/`content_html` of items without an id, so
 * it is not used; building the object directly is simpler than patching it.
 *
 * Extensions (JSON Feed allows keys starting with `_`):
 * - item `_quzhou`: the newspaper structure — `kicker` (引题), `subtitle` (副题), `section`
 *   (版名), `section_slug`, `page`, `column` (栏目), `issue_date` — kicker and subtitle are also
 *   visible in `content_html`.
 * - feed `_rfc5005`: RFC 5005 archive links (`archive`, `current`, `prev_archive`,
 *   `next_archive`). JSON Feed has no standard for archived feeds; `next_url` (pagination) is
 *   not used because archive documents overlap the subscription window.
 *
 * An item with photos carries `image` and `attachments` (feed-photos.ts).
 *
 * Text is sanitised (XML-forbidden characters dropped) like the XML formats, so the three
 * formats show the same text. Retracted articles are omitted (JSON Feed has no tombstone).
 * Output is compact `JSON.stringify(feed)` byte for byte, keys in a fixed order: readers
 * never show it, and indentation would cost bytes under the cap and time in every build.
 */

const jsonFeedVersion = 'https://jsonfeed.org/version/1.1';

/**
 * The item as `JSON.stringify` would write it (same key order, undefined members left out),
 * assembled around the content HTML that was turned into a JSON string once per item.
 */
const jsonItem = (item: FeedItem, head: FeedHead): Fragment => {
  if (item.retracted) return omitted;
  const byPaper = item.authors.length === 0;
  let authors = '';
  for (const name of byPaper ? [head.paperName] : item.authors) {
    authors += `${authors === '' ? '' : ','}{"name":${jsonString(name)}}`;
  }
  // `_quzhou` in JSON.stringify's order: kicker, subtitle, section, section_slug, page, column, issue_date.
  let quzhou = '{';
  if (item.kicker !== undefined) quzhou += `"kicker":${jsonString(item.kicker)},`;
  if (item.subtitle !== undefined) quzhou += `"subtitle":${jsonString(item.subtitle)},`;
  quzhou += `"section":${jsonString(item.section)},"section_slug":${jsonString(item.sectionSlug)},"page":${item.page},`;
  if (item.column !== undefined) quzhou += `"column":${jsonString(item.column)},`;
  quzhou += `"issue_date":${jsonString(item.issueDate)}}`;
  // Dates are fixed-format ASCII; every other string goes through jsonString.
  const before = `{"id":${jsonString(item.id)},"url":${jsonString(item.url)},"title":${jsonString(item.title)},"content_html":`;
  const photos = item.photos === undefined ? '' : jsonPhotoMembers(item.photos);
  const after = `,"summary":${jsonString(item.summary)}${photos},"date_published":"${item.published}","date_modified":"${item.updated}","authors":[${authors}],"tags":[${jsonString(item.section)}],"_quzhou":${quzhou}}`;
  const text = before + item.contentJson + after;
  const extra = item.extraBytes.json + (byPaper ? utf8Extra(head.paperName) : 0) + utf8Extra(photos);
  return { text, bytes: text.length + extra };
};

const jsonDocument = (head: FeedHead, items: readonly RenderedItem[]): string => {
  const links = head.links;
  const feed: Record<string, unknown> = {
    version: jsonFeedVersion,
    title: head.title,
    home_page_url: links.home,
    feed_url: links.self,
    description: head.description,
    icon: head.brand.icon512,
    favicon: head.brand.favicon64,
    language: 'zh-CN',
    authors: [{ name: head.paperName, url: `${head.siteUrl}/` }],
  };
  if (links.hub) feed.hubs = [{ type: 'WebSub', url: links.hub }];
  if (head.archive || links.current || links.prevArchive || links.nextArchive) {
    feed._rfc5005 = {
      about: 'https://www.rfc-editor.org/rfc/rfc5005',
      archive: head.archive,
      current: links.current,
      prev_archive: links.prevArchive,
      next_archive: links.nextArchive,
    };
  }
  feed.items = [];
  const empty = JSON.stringify(feed);
  // `"items":[]` is the last key: splice the pre-rendered items in its place. Concatenation
  // (not join) keeps the result a rope: it is flattened once, when it is encoded for storage.
  let json = empty.slice(0, empty.length - ']}'.length);
  let first = true;
  for (const { text } of items) {
    if (text === '') continue;
    json += first ? text : `,${text}`;
    first = false;
  }
  return `${json}]}`;
};

/** The JSON Feed 1.1 renderer. */
export const jsonFeedRenderer: FormatRenderer = {
  fragment: jsonItem,
  document: jsonDocument,
  separator: ',',
};
