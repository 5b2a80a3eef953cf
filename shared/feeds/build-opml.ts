import { brandAssets } from '../branding/brand-assets.ts';
import type { SiteConfig } from '../config.ts';
import { allSectionsSlug, type FeedFormat, feedKey, siteFileUrl } from '../site-layout.ts';
import type { FeedSpec } from './feed-spec.ts';
import { webfeedsNamespace } from './rss.ts';
import { escapeXmlAttribute, escapeXmlText } from './xml-text.ts';

/**
 * OPML 2.0 subscription list of every feed, so a reader can subscribe to the whole paper at
 * once. Feeds are grouped by format — one folder each for RSS 2.0, Atom 1.0 and JSON Feed 1.1
 * — because importing all three formats of a feed subscribes to the same items three times:
 * a reader imports one folder. Within a folder: the all-sections feed first, then the
 * sections in the order given. No `dateCreated`/`dateModified`: the bytes depend only on the
 * feeds and config (a date would change the ETag on every build).
 */

const folders: ReadonlyArray<{ format: FeedFormat; label: string; version: string }> = [
  { format: 'rss', label: 'RSS 2.0', version: 'RSS2' },
  { format: 'atom', label: 'Atom 1.0', version: 'ATOM1' },
  { format: 'json', label: 'JSON Feed 1.1', version: 'JSONFEED1.1' },
];

/** The OPML document listing `feeds` (all-sections first, then as given) in every format. */
export const buildOpml = (feeds: readonly FeedSpec[], config: SiteConfig): string => {
  const ordered = [
    ...feeds.filter((f) => f.slug === allSectionsSlug),
    ...feeds.filter((f) => f.slug !== allSectionsSlug),
  ];
  const home = escapeXmlAttribute(`${config.siteUrl}/`);
  const brand = brandAssets(config);
  // OPML 2.0 has no icon element; it allows namespaced ones, so the paper's icon and logo travel
  // in Feedly's vocabulary, as in the feeds themselves. No <docs>: optional in OPML 2.0, and the
  // W3C validator (validator.w3.org/feed) rejects it as an undefined head element. Folders carry
  // only `text`: `title` is defined for typed outlines, and the validator warns on untyped ones.
  let xml = `<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0" xmlns:webfeeds="${webfeedsNamespace}">\n  <head>\n`;
  xml += `    <title>${escapeXmlText(`${config.title} 订阅源`)}</title>\n`;
  xml += `    <webfeeds:icon>${escapeXmlText(brand.icon512)}</webfeeds:icon>\n`;
  xml += `    <webfeeds:logo>${escapeXmlText(brand.logo)}</webfeeds:logo>\n`;
  xml += `    <webfeeds:accentColor>${brand.accentColor.slice(1)}</webfeeds:accentColor>\n  </head>\n  <body>\n`;
  for (const folder of folders) {
    const folderText = escapeXmlAttribute(`${config.title} (${folder.label})`);
    xml += `    <outline text="${folderText}">\n`;
    for (const feed of ordered) {
      const title = escapeXmlAttribute(feed.title);
      const url = escapeXmlAttribute(siteFileUrl(config.siteUrl, feedKey(feed.slug, folder.format)));
      xml += `      <outline type="rss" version="${folder.version}" text="${title}" title="${title}" xmlUrl="${url}" htmlUrl="${home}" language="zh-CN"/>\n`;
    }
    xml += '    </outline>\n';
  }
  xml += '  </body>\n</opml>\n';
  return xml;
};
