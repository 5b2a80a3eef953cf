import type { SiteConfig } from '../config.ts';
import type { Log } from '../log.ts';
import type { PublishedIssue } from '../model/published.ts';
import { canonicalJsonBytes } from '../publish/canonical-json.ts';
import { putIfChanged, type WriteLog } from '../publish/store-io.ts';
import {
  keyOfKind,
  monthSitemapKey,
  monthStateKey,
  objectPolicy,
  sitemapIndexStateKey,
  sitePrefixes,
} from '../site-layout.ts';
import type { Store } from '../storage/store.ts';
import {
  dateSitemapOf,
  type MonthSitemapDoc,
  monthLastmod,
  monthOf,
  type SitemapIndexDoc,
  withDate,
  withMonth,
} from './sitemap-state.ts';
import { writeMonthSitemap, writeNewsSitemap, writeRootFiles, writeSitemapIndex } from './write-sitemaps.ts';

/**
 * The sitemaps as `npm run rebuild` regenerates them: fed the issues in date order (the rebuild
 * streams them), one month in memory at a time; at the end the index, the News sitemap (from the
 * `all` window) and the root files, and the months no issue calls for any more are removed.
 */
export const createSitemapRebuild = (site: Store, config: SiteConfig, writes: WriteLog, log: Log) => {
  let month: MonthSitemapDoc | undefined;
  let index: SitemapIndexDoc = { schemaVersion: 1, months: {} };
  const flush = async () => {
    if (month === undefined) return;
    await putIfChanged(
      site,
      monthStateKey(month.month),
      canonicalJsonBytes(month),
      objectPolicy({ kind: 'month-sitemap-state', month: month.month }),
      writes,
    );
    await writeMonthSitemap(site, month.month, month, config, writes);
    index = withMonth(index, month.month, monthLastmod(month));
    month = undefined;
  };
  return {
    addIssue: async (issue: PublishedIssue) => {
      if (month !== undefined && month.month !== monthOf(issue.date)) await flush();
      const entry = dateSitemapOf(issue);
      if (entry !== undefined) month = withDate(month, issue.date, entry);
    },
    /** `newest`: the `all` window's issues; `prune`: false when a racing publish was seen. */
    finish: async (newest: readonly PublishedIssue[], prune: boolean) => {
      await flush();
      await putIfChanged(
        site,
        sitemapIndexStateKey,
        canonicalJsonBytes(index),
        objectPolicy({ kind: 'sitemap-index-state' }),
        writes,
      );
      await writeSitemapIndex(site, index, config, writes);
      await writeNewsSitemap(site, newest, config, writes);
      await writeRootFiles(site, config, writes);
      if (!prune) return 0;
      const stale: string[] = [];
      for await (const key of site.list(sitePrefixes.sitemapState)) {
        const m = keyOfKind(key, 'month-sitemap-state')?.month;
        if (m !== undefined && !(m in index.months)) stale.push(key, monthSitemapKey(m));
      }
      for (const key of stale) await site.delete(key);
      if (stale.length > 0) log.info('stale sitemaps deleted', { count: stale.length, first: stale[0] });
      return stale.length;
    },
  };
};
