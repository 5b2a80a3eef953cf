import type { PublishedIssue } from '../model/published.ts';
import { articleUrl, issueUrl } from '../site-layout.ts';
import type { NewsEntry, SitemapEntry } from './sitemap-xml.ts';

/**
 * What the sitemaps are rendered from, kept beside the other state documents so a publish updates
 * them from the issue it just committed — no LIST, no reading a month of issues:
 *
 * - `state/sitemaps/<YYYY-MM>.json`: per date, its permalinks (the contents page and each live
 *   article, with its last real change) and the date's last change of any kind (a retraction
 *   too: the month's sitemap changed when an article left it);
 * - `state/sitemaps/index.json`: per month that has permalinks, its last change.
 *
 * Paths, not URLs: a new site URL needs only a rebuild of the XML, not of this state.
 */

/** One date's permalinks: `[article id, lastmod]`, `''` = the issue's contents page. */
export interface DateSitemap {
  changed: string;
  urls: Array<[string, string]>;
}

export interface MonthSitemapDoc {
  schemaVersion: 1;
  month: string;
  dates: Record<string, DateSitemap>;
}

export interface SitemapIndexDoc {
  schemaVersion: 1;
  months: Record<string, string>;
}

/** Google News: articles published in the last two days, at most 1,000. */
const newsWindowMs = 2 * 24 * 60 * 60 * 1000;
export const newsMaxUrls = 1000;

export const monthOf = (date: string) => date.slice(0, 7);

/** The later of two +08:00 times (same offset and width: they compare as strings). */
const later = (a: string | undefined, b: string) => (a === undefined || b > a ? b : a);

/** The date's entry: live articles in reading order, the contents page first; undefined if it never had articles. */
export const dateSitemapOf = (issue: PublishedIssue): DateSitemap | undefined => {
  const articles = issue.pages
    .slice()
    .sort((a, b) => a.number - b.number)
    .flatMap((p) => p.articles.slice().sort((a, b) => a.order - b.order));
  if (articles.length === 0) return undefined;
  let changed: string | undefined;
  let newestLive: string | undefined;
  const urls: Array<[string, string]> = [];
  for (const a of articles) {
    changed = later(changed, a.updated);
    if (a.retractedAt !== undefined) changed = later(changed, a.retractedAt);
    if (a.status === 'retracted') continue;
    newestLive = later(newestLive, a.updated);
    urls.push([a.id, a.updated]);
  }
  return { changed: changed!, urls: newestLive === undefined ? [] : [['', newestLive], ...urls] };
};

/** The month document with one date's entry set (or removed, when the date has none). */
export const withDate = (
  doc: MonthSitemapDoc | undefined,
  date: string,
  entry: DateSitemap | undefined,
): MonthSitemapDoc => {
  const dates = { ...(doc?.dates ?? {}) };
  if (entry === undefined) delete dates[date];
  else dates[date] = entry;
  const sorted = Object.fromEntries(Object.entries(dates).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { schemaVersion: 1, month: monthOf(date), dates: sorted };
};

/** The month's permalinks, oldest date first. */
export const monthEntries = (doc: MonthSitemapDoc | undefined, siteUrl: string): SitemapEntry[] =>
  Object.entries(doc?.dates ?? {}).flatMap(([date, entry]) =>
    entry.urls.map(([id, lastmod]) => ({
      loc: id === '' ? issueUrl(siteUrl, date) : articleUrl(siteUrl, date, id),
      lastmod,
    })),
  );

/** The month's last change, or undefined when it has no permalink (it leaves the index). */
export const monthLastmod = (doc: MonthSitemapDoc | undefined): string | undefined => {
  const entries = Object.values(doc?.dates ?? {});
  if (!entries.some((e) => e.urls.length > 0)) return undefined;
  return entries.reduce<string | undefined>((max, e) => later(max, e.changed), undefined);
};

export const withMonth = (
  doc: SitemapIndexDoc | undefined,
  month: string,
  lastmod: string | undefined,
): SitemapIndexDoc => {
  const months = { ...(doc?.months ?? {}) };
  if (lastmod === undefined) delete months[month];
  else months[month] = lastmod;
  return {
    schemaVersion: 1,
    months: Object.fromEntries(Object.entries(months).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
};

/**
 * Google News entries from the newest issues (the `all` window holds them): live articles first
 * published within the two days before the newest one, newest first, at most 1,000.
 *
 * The two days are counted on the paper's clock (its newest publication), not the build's: the
 * same state then gives the same bytes, so a redelivered event writes nothing and a rebuild agrees
 * with publishing. A daily paper's newest issue is today's; should it stop appearing, the sitemap
 * keeps its last two days until the next issue (Google only reads the recent ones anyway).
 */
export const newsEntries = (issues: readonly PublishedIssue[], siteUrl: string): NewsEntry[] => {
  const live = issues.flatMap((issue) =>
    issue.pages.flatMap((page) =>
      page.articles
        .filter((a) => a.status !== 'retracted')
        .map((a) => ({ issue, a, at: Date.parse(a.published) })),
    ),
  );
  const newest = live.reduce((max, { at }) => Math.max(at, max), Number.NEGATIVE_INFINITY);
  const since = newest - newsWindowMs;
  const entries: Array<NewsEntry & { at: number }> = [];
  for (const { issue, a, at } of live) {
    if (!(at > since)) continue;
    entries.push({
      loc: articleUrl(siteUrl, issue.date, a.id),
      title: a.title,
      published: a.published,
      at,
    });
  }
  entries.sort((x, y) => y.at - x.at || (x.loc < y.loc ? -1 : 1));
  return entries.slice(0, newsMaxUrls).map(({ at: _, ...e }) => e);
};
