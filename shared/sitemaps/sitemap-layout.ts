/**
 * Keys (= public paths) of what search engines and browsers look for at a site's root, besides the
 * feeds: the branding kit, robots.txt, the sitemaps and the IndexNow key file. The same keys in
 * the site store, behind CloudFront and under `npm start`.
 *
 *   robots.txt                       Sitemap: lines
 *   sitemap.xml                      sitemap index: one sitemap per month of permalinks
 *   sitemaps/<YYYY-MM>.xml           the permalinks (articles and issue pages) of one month
 *   sitemaps/news.xml                Google News sitemap: articles of the last two days
 *   <indexNowKey>.txt                IndexNow key file (the protocol wants it at the root)
 *   brand/<kit id>/…                 icons and logos (shared/branding)
 *   state/sitemaps/<YYYY-MM>.json    what a month's sitemap is rendered from (private)
 *   state/sitemaps/index.json        the months and their last change (private)
 */

export const robotsKey = 'robots.txt';
export const sitemapIndexKey = 'sitemap.xml';
export const sitemapPrefix = 'sitemaps/';
export const monthSitemapKey = (month: string) => `${sitemapPrefix}${month}.xml`;
export const newsSitemapKey = `${sitemapPrefix}news.xml`;
export const indexNowKeyFile = (key: string) => `${key}.txt`;

export const sitemapStatePrefix = 'state/sitemaps/';
export const monthStateKey = (month: string) => `${sitemapStatePrefix}${month}.json`;
export const sitemapIndexStateKey = `${sitemapStatePrefix}index.json`;

const indexNowKeyFileRe = /^[A-Za-z0-9-]{8,128}\.txt$/;

/** Public keys of this module's documents (and the branding kit), for static serving. */
export const isDiscoveryKey = (key: string): boolean =>
  key === robotsKey ||
  key === sitemapIndexKey ||
  (key.startsWith(sitemapPrefix) && key.endsWith('.xml') && !key.slice(sitemapPrefix.length).includes('/')) ||
  key.startsWith('brand/') ||
  indexNowKeyFileRe.test(key);

export const sitemapContentType = 'application/xml; charset=utf-8';
export const robotsContentType = 'text/plain; charset=utf-8';
