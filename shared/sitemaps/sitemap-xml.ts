import { escapeXmlText } from '../feeds/xml-text.ts';

/**
 * The sitemap documents, as pure functions of their entries: sitemaps.org 0.9 urlsets and index,
 * and Google's News extension. Every string is XML-escaped; `loc` values are the site's own
 * absolute URLs. No document is rendered for zero entries: both schemas require at least one
 * `<url>` / `<sitemap>`, so the caller removes the file instead.
 */

const sitemapNamespace = 'http://www.sitemaps.org/schemas/sitemap/0.9';
const newsNamespace = 'http://www.google.com/schemas/sitemap-news/0.9';

/** One URL with its last real change (W3C date-time, +08:00). */
export interface SitemapEntry {
  loc: string;
  lastmod: string;
}

/** One article of the News sitemap. */
export interface NewsEntry {
  loc: string;
  title: string;
  /** First publication, +08:00 (Google: the original time, not when it entered the sitemap). */
  published: string;
}

/** Google News' publication: its name as shown in Google News, and `zh-cn` (Simplified Chinese). */
export interface NewsPublication {
  name: string;
  language: 'zh-cn';
}

const head = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** `<urlset>` of up to 50,000 URLs (a month of a daily paper holds a few thousand). */
export const renderUrlset = (entries: readonly SitemapEntry[]): string | undefined => {
  if (entries.length === 0) return undefined;
  let xml = `${head}<urlset xmlns="${sitemapNamespace}">\n`;
  for (const e of entries)
    xml += `  <url><loc>${escapeXmlText(e.loc)}</loc><lastmod>${e.lastmod}</lastmod></url>\n`;
  return `${xml}</urlset>\n`;
};

/** `<sitemapindex>`: one `<sitemap>` per month, `lastmod` = that sitemap's last change. */
export const renderSitemapIndex = (entries: readonly SitemapEntry[]): string | undefined => {
  if (entries.length === 0) return undefined;
  let xml = `${head}<sitemapindex xmlns="${sitemapNamespace}">\n`;
  for (const e of entries)
    xml += `  <sitemap><loc>${escapeXmlText(e.loc)}</loc><lastmod>${e.lastmod}</lastmod></sitemap>\n`;
  return `${xml}</sitemapindex>\n`;
};

/** The Google News sitemap (at most 1,000 URLs: the caller cuts). */
export const renderNewsSitemap = (
  entries: readonly NewsEntry[],
  publication: NewsPublication,
): string | undefined => {
  if (entries.length === 0) return undefined;
  const pub = `<news:publication><news:name>${escapeXmlText(publication.name)}</news:name><news:language>${publication.language}</news:language></news:publication>`;
  let xml = `${head}<urlset xmlns="${sitemapNamespace}" xmlns:news="${newsNamespace}">\n`;
  for (const e of entries) {
    xml += `  <url><loc>${escapeXmlText(e.loc)}</loc><news:news>${pub}<news:publication_date>${e.published}</news:publication_date><news:title>${escapeXmlText(e.title)}</news:title></news:news></url>\n`;
  }
  return `${xml}</urlset>\n`;
};

/** robots.txt: everything may be crawled; where the sitemaps are. */
export const renderRobots = (sitemapUrls: readonly string[]): string =>
  `User-agent: *\nAllow: /\n\n${sitemapUrls.map((u) => `Sitemap: ${u}\n`).join('')}`;
