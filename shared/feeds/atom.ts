import {
  emptyFeedUpdated,
  type FeedHead,
  type FormatRenderer,
  type Fragment,
  type RenderedItem,
} from './feed-document.ts';
import { type FeedItem, latestChange } from './feed-items.ts';
import { atomPhotoXml } from './feed-photos.ts';
import { escapeCleanXmlAttribute, escapeCleanXmlText, utf8ByteLength, utf8Extra } from './xml-text.ts';

/**
 * Atom 1.0 (RFC 4287) with RFC 6721 tombstones and RFC 5005 archive links, written by hand
 * rather than with `feed` 6.0.0, which has no `xml:lang`, passes `<id>` through `new URL()`
 * (a `tag:` id is mangled or throws), writes dates only in UTC (`…Z`), emits `<category>`
 * without `term`, defaults `<updated>` to the build time, leaves `<` unescaped in attributes
 * and passes control characters through — and has no tombstones or archive links at all.
 *
 * Feed: `xml:lang="zh-CN"`, the paper as `<author>`, `updated` = latest content change.
 * Entries: tag: `id`, `published`/`updated` with `+08:00`, an `author` per contributor (the
 * paper when none), `category term=<section slug> label=<版名>`, `summary` (text) and
 * `content type="html"`, and a `link rel="enclosure"` per photo (feed-photos.ts). Retracted articles become `<at:deleted-entry ref when>`; they come
 * before the entries because RFC 4287's grammar puts extension elements before `atom:entry`.
 */

const atomNamespaces = {
  atom: 'http://www.w3.org/2005/Atom',
  at: 'http://purl.org/atompub/tombstones/1.0',
  fh: 'http://purl.org/syndication/history/1.0',
} as const;

const link = (rel: string, href: string, type?: string) =>
  `  <link rel="${rel}"${type ? ` type="${type}"` : ''} href="${escapeCleanXmlAttribute(href)}"/>\n`;

const atomEntry = (item: FeedItem, head: FeedHead): Fragment => {
  if (item.retracted) {
    const text = `  <at:deleted-entry ref="${item.xml.id}" when="${item.deletedAt}"/>\n`;
    return { text, bytes: utf8ByteLength(text) };
  }
  const x = item.xml;
  const byPaper = x.authors.length === 0;
  const authors = byPaper ? [escapeCleanXmlText(head.paperName)] : x.authors;
  const photos = item.photos === undefined ? '' : atomPhotoXml(item.photos);
  let xml = `  <entry>\n    <id>${x.id}</id>\n    <title>${x.title}</title>\n    <link rel="alternate" type="text/html" href="${x.url}"/>\n${photos}    <published>${item.published}</published>\n    <updated>${item.updated}</updated>\n`;
  for (const author of authors) xml += `    <author><name>${author}</name></author>\n`;
  xml += `    <category term="${x.sectionSlug}" label="${x.section}"/>\n    <summary>${x.summary}</summary>\n`;
  xml += '    <content type="html">';
  const text = `${xml}${item.contentXml}</content>\n  </entry>\n`;
  const extra = item.extraBytes.atom + (byPaper ? utf8Extra(head.paperName) : 0) + utf8Extra(photos);
  return { text, bytes: text.length + extra };
};

const atomDocument = (head: FeedHead, items: readonly RenderedItem[]): string => {
  const links = head.links;
  const updated = latestChange(items.map((i) => i.item)) ?? emptyFeedUpdated;
  let xml = '<?xml version="1.0" encoding="UTF-8"?>\n';
  xml += `<feed xmlns="${atomNamespaces.atom}" xmlns:at="${atomNamespaces.at}" xmlns:fh="${atomNamespaces.fh}" xml:lang="zh-CN">\n`;
  xml += `  <id>${escapeCleanXmlText(head.id)}</id>\n`;
  xml += `  <title>${escapeCleanXmlText(head.title)}</title>\n`;
  xml += `  <subtitle>${escapeCleanXmlText(head.description)}</subtitle>\n`;
  xml += `  <updated>${updated}</updated>\n`;
  xml += `  <author><name>${escapeCleanXmlText(head.paperName)}</name><uri>${escapeCleanXmlText(`${head.siteUrl}/`)}</uri></author>\n`;
  // alternate before self: readers built on common parsers (e.g. feed-extractor) take the first
  // <link> as the site's home page, whatever its rel.
  xml += link('alternate', links.home, 'text/html');
  xml += link('self', links.self, 'application/atom+xml');
  if (links.hub) xml += link('hub', links.hub);
  if (links.current) xml += link('current', links.current, 'application/atom+xml');
  if (links.prevArchive) xml += link('prev-archive', links.prevArchive, 'application/atom+xml');
  if (links.nextArchive) xml += link('next-archive', links.nextArchive, 'application/atom+xml');
  // RFC 4287: icon square (1:1), logo 2:1.
  xml += `  <icon>${escapeCleanXmlText(head.brand.icon512)}</icon>\n`;
  xml += `  <logo>${escapeCleanXmlText(head.brand.logo)}</logo>\n`;
  if (head.archive) xml += '  <fh:archive/>\n';
  for (const { item, text } of items) if (item.retracted) xml += text;
  for (const { item, text } of items) if (!item.retracted) xml += text;
  xml += '</feed>\n';
  return xml;
};

/** The Atom 1.0 renderer. */
export const atomRenderer: FormatRenderer = {
  fragment: atomEntry,
  document: atomDocument,
  separator: '',
};
