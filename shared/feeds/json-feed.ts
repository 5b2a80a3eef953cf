import type { FeedHead, FormatRenderer, RenderedItem } from './feed-document.ts';
import type { FeedItem } from './feed-items.ts';

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
 * Text is sanitised (XML-forbidden characters dropped) like the XML formats, so the three
 * formats show the same text. Retracted articles are omitted (JSON Feed has no tombstone).
 * Output is `JSON.stringify(feed, null, 2)` byte for byte; keys in a fixed order.
 */

export const jsonFeedVersion = 'https://jsonfeed.org/version/1.1';

const jsonItem = (item: FeedItem, head: FeedHead): string => {
  if (item.retracted) return '';
  const authors = (item.authors.length > 0 ? item.authors : [head.paperName]).map((name) => ({ name }));
  const value = {
    id: item.id,
    url: item.url,
    title: item.title,
    content_html: item.contentHtml,
    summary: item.summary,
    date_published: item.published,
    date_modified: item.updated,
    authors,
    tags: [item.section],
    _quzhou: {
      kicker: item.kicker,
      subtitle: item.subtitle,
      section: item.section,
      section_slug: item.sectionSlug,
      page: item.page,
      column: item.column,
      issue_date: item.issueDate,
    },
  };
  // Indented as an element of the top-level `items` array of JSON.stringify(feed, null, 2).
  return `\n    ${JSON.stringify(value, null, 2).replace(/\n/g, '\n    ')}`;
};

const jsonDocument = (head: FeedHead, items: readonly RenderedItem[]): string => {
  const links = head.links;
  const feed: Record<string, unknown> = {
    version: jsonFeedVersion,
    title: head.title,
    home_page_url: links.home,
    feed_url: links.self,
    description: head.description,
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
  const empty = `${JSON.stringify(feed, null, 2)}\n`;
  const fragments = items.map((i) => i.fragment).filter((f) => f !== '');
  if (fragments.length === 0) return empty;
  // `"items": []` is the last key: splice the pre-rendered items in its place.
  return `${empty.slice(0, empty.length - '[]\n}\n'.length)}[${fragments.join(',')}\n  ]\n}\n`;
};

/** The JSON Feed 1.1 renderer. */
export const jsonFeedRenderer: FormatRenderer = {
  fragment: jsonItem,
  document: jsonDocument,
  separator: ',',
};
