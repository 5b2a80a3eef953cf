import type { SiteConfig } from '../config.ts';
import type { PublishedIssue } from '../model/published.ts';
import { putIfChanged, type WriteLog } from '../publish/store-io.ts';
import {
  indexNowKeyFile,
  monthSitemapKey,
  newsSitemapKey,
  objectPolicy,
  policyForKey,
  robotsKey,
  siteFileUrl,
  sitemapIndexKey,
} from '../site-layout.ts';
import type { Store } from '../storage/store.ts';
import { type MonthSitemapDoc, monthEntries, newsEntries, type SitemapIndexDoc } from './sitemap-state.ts';
import { renderNewsSitemap, renderRobots, renderSitemapIndex, renderUrlset } from './sitemap-xml.ts';

/**
 * Render-and-write steps shared by publishing and the rebuild (like publish/site-writers.ts):
 * each writes only what changed, and removes a sitemap that has no URL left (the schemas allow
 * no empty one).
 */

/** Write the document, or delete the key when there is none; true when something changed. */
const putOrRemove = async (site: Store, key: string, body: string | undefined, writes: WriteLog) => {
  if (body !== undefined) return putIfChanged(site, key, body, policyForKey(key), writes);
  if ((await site.get(key)) === undefined) return false;
  await site.delete(key);
  writes.push(key);
  return true;
};

export const writeMonthSitemap = (
  site: Store,
  month: string,
  doc: MonthSitemapDoc | undefined,
  config: SiteConfig,
  writes: WriteLog,
) => putOrRemove(site, monthSitemapKey(month), renderUrlset(monthEntries(doc, config.siteUrl)), writes);

export const writeSitemapIndex = (
  site: Store,
  doc: SitemapIndexDoc | undefined,
  config: SiteConfig,
  writes: WriteLog,
) =>
  putOrRemove(
    site,
    sitemapIndexKey,
    renderSitemapIndex(
      Object.entries(doc?.months ?? {}).map(([month, lastmod]) => ({
        loc: siteFileUrl(config.siteUrl, monthSitemapKey(month)),
        lastmod,
      })),
    ),
    writes,
  );

/** The Google News sitemap from the newest issues (the `all` window's). */
export const writeNewsSitemap = (
  site: Store,
  issues: readonly PublishedIssue[],
  config: SiteConfig,
  writes: WriteLog,
) =>
  putOrRemove(
    site,
    newsSitemapKey,
    renderNewsSitemap(newsEntries(issues, config.siteUrl), { name: config.title, language: 'zh-cn' }),
    writes,
  );

/**
 * robots.txt and the IndexNow key file: they depend on the config alone, so publishing writes them
 * only when it records a new config (site-config-record.ts), and the rebuild always checks them.
 */
export const writeRootFiles = async (site: Store, config: SiteConfig, writes: WriteLog) => {
  const robots = renderRobots([sitemapIndexKey, newsSitemapKey].map((k) => siteFileUrl(config.siteUrl, k)));
  await putIfChanged(site, robotsKey, robots, objectPolicy({ kind: 'robots' }), writes);
  // IndexNow: the key file holds the key, UTF-8, at the root (https://www.indexnow.org/documentation).
  if (config.indexNowKey !== undefined)
    await putIfChanged(
      site,
      indexNowKeyFile(config.indexNowKey),
      config.indexNowKey,
      objectPolicy({ kind: 'indexnow-key', key: config.indexNowKey }),
      writes,
    );
};
