import {
  type FeedHead,
  type FormatRenderer,
  type Fragment,
  omitted,
  type RenderedItem,
} from './feed-document.ts';
import { type FeedItem, latestChange } from './feed-items.ts';
import { mediaRssNamespace, rssPhotoXml } from './feed-photos.ts';
import { formatRfc822 } from './feed-time.ts';
import { syndicationNamespace } from './polling-hints.ts';
import {
  escapeCleanRssPlainText,
  escapeCleanXmlAttribute,
  escapeCleanXmlText,
  utf8Extra,
} from './xml-text.ts';

/** Feedly's extension (icon, logo, accent colour): https://blog.feedly.com/10-ways-to-optimize-your-feed-for-feedly/ */
export const webfeedsNamespace = 'http://webfeeds.org/rss/1.0';

/**
 * RSS 2.0 per the RSS Advisory Board profile, written by hand rather than with `feed` 6.0.0,
 * which gets too much of it wrong for this paper: no `dc:creator` (only `<author>`, which
 * must be an e-mail; a name-only one is a validator error), dates only as `… GMT` (a Beijing
 * time written as GMT is 8 hours off), `lastBuildDate` defaulting to the build time (new bytes
 * on every build), control characters passed through, only the first `]]>` of a CDATA split.
 * Text is escaped; the content HTML is one CDATA section with every `]]>` split.
 *
 * Items: `guid isPermaLink="false"` = the tag: id, `pubDate` = first publication (`+0800`),
 * `description` = plain-text summary (HTML-escaped, since readers render description as HTML),
 * `content:encoded` = full text HTML, one `dc:creator` per contributor, `category` = section.
 * Retracted articles are left out (RSS has no tombstone). RFC 5005 links go through
 * `atom:link`. An item with photos adds one `<enclosure>` and Media RSS (feed-photos.ts).
 */

const rssNamespaces = {
  content: 'http://purl.org/rss/1.0/modules/content/',
  dc: 'http://purl.org/dc/elements/1.1/',
  atom: 'http://www.w3.org/2005/Atom',
  fh: 'http://purl.org/syndication/history/1.0',
  sy: syndicationNamespace,
  webfeeds: webfeedsNamespace,
} as const;

const atomLink = (rel: string, href: string, type?: string) =>
  `    <atom:link href="${escapeCleanXmlAttribute(href)}" rel="${rel}"${type ? ` type="${type}"` : ''}/>\n`;

const rssItem = (item: FeedItem, head: FeedHead): Fragment => {
  if (item.retracted) return omitted;
  const x = item.xml;
  const byPaper = x.authors.length === 0;
  const creators = byPaper ? [escapeCleanRssPlainText(head.paperName)] : x.authors;
  // Media RSS is declared where it is used (feed-photos.ts): items without photos are unchanged.
  const open = item.photos === undefined ? '<item>' : `<item xmlns:media="${mediaRssNamespace}">`;
  let xml = `    ${open}\n      <title>${x.title}</title>\n      <link>${x.url}</link>\n      <guid isPermaLink="false">${x.id}</guid>\n      <pubDate>${item.publishedRfc822}</pubDate>\n`;
  for (const creator of creators) xml += `      <dc:creator>${creator}</dc:creator>\n`;
  xml += `      <category>${x.section}</category>\n`;
  // description is HTML by the spec: the plain summary is HTML-escaped, then XML-escaped (HTML
  // text and XML text escape `& < >` alike).
  xml += `      <description>${escapeCleanXmlText(escapeCleanXmlText(item.summary))}</description>\n`;
  xml += '      <content:encoded>';
  const photos = item.photos === undefined ? '' : rssPhotoXml(item.photos);
  const text = `${xml}${item.contentXml}</content:encoded>\n${photos}    </item>\n`;
  const extra = item.extraBytes.common + (byPaper ? utf8Extra(head.paperName) : 0) + utf8Extra(photos);
  return { text, bytes: text.length + extra };
};

const rssDocument = (head: FeedHead, items: readonly RenderedItem[]): string => {
  const lastBuild = latestChange(items.map((i) => i.item));
  const links = head.links;
  let xml = '<?xml version="1.0" encoding="UTF-8"?>\n';
  xml += `<rss version="2.0" xmlns:content="${rssNamespaces.content}" xmlns:dc="${rssNamespaces.dc}" xmlns:atom="${rssNamespaces.atom}" xmlns:fh="${rssNamespaces.fh}" xmlns:sy="${rssNamespaces.sy}" xmlns:webfeeds="${rssNamespaces.webfeeds}">\n`;
  xml += '  <channel>\n';
  xml += `    <title>${escapeCleanRssPlainText(head.title)}</title>\n`;
  xml += `    <link>${escapeCleanXmlText(links.home)}</link>\n`;
  xml += `    <description>${escapeCleanXmlText(escapeCleanXmlText(head.description))}</description>\n`;
  xml += '    <language>zh-cn</language>\n';
  // The latest content change, not the build time: a rebuild must not change the bytes.
  if (lastBuild !== undefined) xml += `    <lastBuildDate>${formatRfc822(lastBuild)}</lastBuildDate>\n`;
  xml += '    <docs>https://www.rssboard.org/rss-specification</docs>\n';
  if (head.polling) xml += `    <ttl>${head.polling.ttlMinutes}</ttl>\n`;
  // The channel's own title and link, as RSS 2.0 requires of <image> (144 × 72: within 144 × 400).
  const logo = head.brand.logoSmall;
  xml += `    <image>\n      <url>${escapeCleanXmlText(logo.url)}</url>\n      <title>${escapeCleanRssPlainText(head.title)}</title>\n      <link>${escapeCleanXmlText(links.home)}</link>\n      <width>${logo.width}</width>\n      <height>${logo.height}</height>\n    </image>\n`;
  if (head.polling) {
    xml += `    <sy:updatePeriod>${head.polling.updatePeriod}</sy:updatePeriod>\n`;
    xml += `    <sy:updateFrequency>${head.polling.updateFrequency}</sy:updateFrequency>\n`;
    xml += `    <sy:updateBase>${head.polling.updateBase}</sy:updateBase>\n`;
  }
  xml += `    <webfeeds:icon>${escapeCleanXmlText(head.brand.icon512)}</webfeeds:icon>\n`;
  xml += `    <webfeeds:logo>${escapeCleanXmlText(head.brand.logo)}</webfeeds:logo>\n`;
  xml += `    <webfeeds:accentColor>${head.brand.accentColor.slice(1)}</webfeeds:accentColor>\n`;
  xml += atomLink('self', links.self, 'application/rss+xml');
  if (links.hub) xml += atomLink('hub', links.hub);
  if (links.current) xml += atomLink('current', links.current, 'application/rss+xml');
  if (links.prevArchive) xml += atomLink('prev-archive', links.prevArchive, 'application/rss+xml');
  if (links.nextArchive) xml += atomLink('next-archive', links.nextArchive, 'application/rss+xml');
  if (head.archive) xml += '    <fh:archive/>\n';
  for (const { text } of items) xml += text;
  xml += '  </channel>\n</rss>\n';
  return xml;
};

/** The RSS 2.0 renderer. */
export const rssRenderer: FormatRenderer = {
  fragment: rssItem,
  document: rssDocument,
  separator: '',
};
