import type { Clock } from '../clock.ts';
import { configFingerprint, type SiteConfig } from '../config.ts';
import { createItemCache } from '../feeds/feed-items.ts';
import type { FeedSpec } from '../feeds/feed-spec.ts';
import type { Log } from '../log.ts';
import type { PublishedIssue } from '../model/published.ts';
import {
  allSectionsSlug,
  calendarKey,
  dateHashKey,
  issueKey,
  keyOfKind,
  latestIssueKey,
  parseSiteKey,
  siteConfigKey,
  sitePrefixes,
} from '../site-layout.ts';
import { createSitemapRebuild } from '../sitemaps/rebuild-sitemaps.ts';
import type { Store } from '../storage/store.ts';
import { canonicalJsonBytes, parseJsonBytes } from './canonical-json.ts';
import { HashRecordingStore, uploadHashKeys } from './derived-hashes.ts';
import { mediaStateDatesByYear } from './media-state.ts';
import {
  idAuthorityOf,
  readSiteConfigRecord,
  type SiteConfigRecord,
  writeSiteConfigRecord,
} from './site-config-record.ts';
import {
  addUploadDate,
  applyToWindow,
  type CalendarDoc,
  catalogWith,
  decodeWindow,
  encodeWindow,
  filterIssue,
  hasLiveArticles,
  pageSlugsOf,
  sectionNameOf,
  sectionSlugsOf,
  setCalendarDate,
  type UploadIndexDoc,
  type WindowDoc,
} from './site-state.ts';
import {
  feedSpecOf,
  putSiteObject,
  writeArchiveFeeds,
  writeArticleRecords,
  writeConcurrency,
  writeLatestIssue,
  writeOpml,
  writeSubscriptionFeeds,
} from './site-writers.ts';
import { forEachLimit, readJson, type WriteLog } from './store-io.ts';

/** Progress of a rebuild, reported after each issue date. */
export interface RebuildProgress {
  datesDone: number;
  datesTotal: number;
  articlesDone: number;
}

export interface RebuildDeps {
  site: Store;
  config: SiteConfig;
  clock: Clock;
  log: Log;
  onProgress?: (progress: RebuildProgress) => void;
  /**
   * False: do not trust the hash records (derived-hashes.ts); every object is read back and
   * compared, and fresh records are written — after derived objects were edited by hand.
   */
  trustHashRecords?: boolean;
  /** The caller knows the site held no derived object (an import into a new site): nothing is read back. */
  emptySite?: boolean;
  /** Issue documents read ahead of the one being rendered (hides store latency; default 8). */
  readAhead?: number;
}

export interface RebuildSummary {
  dates: number;
  articles: number;
  /** Objects whose bytes (or metadata) changed and were rewritten. */
  written: number;
  /** Derived objects no issue document calls for any more, deleted (see `pruneDerived`). */
  deleted: number;
  /** Hash records written (derived-hashes.ts); not counted in `written`. */
  records: number;
}

/** A write log that only counts: a rebuild of years would otherwise hold every key it wrote. */
const countingLog = (): WriteLog & { count: number } => {
  const log = Object.assign([] as string[], { count: 0 });
  log.push = (...keys: string[]) => {
    log.count += keys.length;
    return log.count;
  };
  return log;
};

/**
 * Regenerate everything derived from the issue documents (`issues/<date>.json`, the source of
 * truth): article records, every archive document, the state documents (windows, calendars,
 * upload indexes), the subscription feeds, `issues/latest.json` and the OPML — after dropped
 * events or a template change. Only changed objects are rewritten.
 *
 * Streaming: dates are processed in order, one issue in memory at a time plus each feed's
 * pending archive (written when the feed's next date gives it its next-archive link) and sliding window (`windowIssues` issues) and the current year's calendar, so memory does not
 * grow with the archive. Listing is allowed here (it is the one place that reads the whole site),
 * and so is deleting: derived objects the issue documents no longer call for are pruned.
 */
export const rebuildSite = async (deps: RebuildDeps): Promise<RebuildSummary> => {
  // Every read and write goes through the recorder: it answers "unchanged?" from the hash
  // records where it can, so an unchanged site is not read back object by object, and it writes
  // behind while the next date renders.
  const site = new HashRecordingStore(deps.site, {
    log: deps.log,
    emptySite: deps.emptySite,
    trust: deps.trustHashRecords,
  });
  try {
    return await rebuildThrough(site, deps);
  } finally {
    // Never return (or throw) with writes still landing behind the caller's back.
    await site.idle();
  }
};

const rebuildThrough = async (site: HashRecordingStore, deps: RebuildDeps): Promise<RebuildSummary> => {
  // An explicit idAuthority (a rebuild flag, or the record itself) is applied; none keeps the site's.
  const config =
    deps.config.idAuthority !== undefined
      ? deps.config
      : { ...deps.config, idAuthority: idAuthorityOf(await readSiteConfigRecord(site), deps.config) };
  const writes = countingLog();

  const dates: string[] = [];
  for await (const key of site.list(sitePrefixes.issues)) {
    const date = keyOfKind(key, 'issue')?.date;
    if (date !== undefined) dates.push(date);
  }
  dates.sort();

  // Calendars list the dates that have pictures: a text publish reads their state by that.
  const mediaDates = await mediaStateDatesByYear(site);
  const calendarYears = new Set([...dates.map((d) => d.slice(0, 4)), ...mediaDates.keys()]);

  const windows = new Map<string, WindowDoc>();
  const sitemaps = createSitemapRebuild(site, config, writes, deps.log);
  const lastDate = new Map<string, string>();
  const sources = new Map<string, string[]>();
  let calendar: CalendarDoc | undefined;
  let articles = 0;

  // Per feed, the newest archive not yet written (it waits for its next date) and its prev date.
  const pending = new Map<string, { spec: FeedSpec; issue: PublishedIssue; prevDate?: string }>();
  // Items shared by the archives flushed in one step (mostly one date's, all + sections); a new
  // cache per step keeps memory flat.
  let items = createItemCache(config);
  const flushArchive = async (slug: string, nextDate: string | undefined) => {
    const archive = pending.get(slug);
    if (archive === undefined) return;
    pending.delete(slug);
    await writeArchiveFeeds(
      site,
      archive.spec,
      archive.issue,
      { prevDate: archive.prevDate, nextDate },
      config,
      writes,
      items,
    );
  };

  const writeCalendar = async (doc: CalendarDoc) => {
    const media = mediaDates.get(doc.year);
    mediaDates.delete(doc.year);
    const bytes = canonicalJsonBytes(media === undefined ? doc : { ...doc, media });
    await putSiteObject(site, { kind: 'calendar', year: doc.year }, bytes, writes);
  };
  const flushCalendar = async () => {
    if (calendar !== undefined) await writeCalendar(calendar);
    calendar = undefined;
  };

  // Read ahead: the issue document and hash record of the next dates load while this one renders.
  const readAhead = Math.max(1, deps.readAhead ?? 8);
  const reads = new Map<number, Promise<PublishedIssue | undefined>>();
  const readDate = (index: number) => {
    const date = dates[index];
    if (date === undefined || reads.has(index)) return;
    reads.set(
      index,
      Promise.all([readJson<PublishedIssue>(site, issueKey(date)), site.load(dateHashKey(date))]).then(
        ([found]) => found?.value,
      ),
    );
  };
  // A date's record is written once no archive of it waits for its next date any more.
  const flushRecords = async (upTo: string | undefined) => {
    const waiting = new Set([...pending.values()].map((p) => p.issue.date));
    for (const group of site.loadedGroups()) {
      const date = keyOfKind(group, 'date-hashes')?.date;
      if (date !== undefined && (upTo === undefined || date <= upTo) && !waiting.has(date))
        await site.flush(group);
    }
  };

  for (const [index, date] of dates.entries()) {
    for (let ahead = index; ahead < index + readAhead; ahead += 1) readDate(ahead);
    const issue = await reads.get(index);
    reads.delete(index);
    if (issue === undefined) {
      await flushRecords(date);
      continue;
    }
    await writeArticleRecords(site, issue, writes);
    await sitemaps.addIssue(issue);
    articles += issue.pages.reduce((n, p) => n + p.articles.length, 0);

    const slugs = sectionSlugsOf(issue);
    items = createItemCache(config);
    // Every section with a page that day: one whose articles are all retracted only leaves its
    // tombstones in the window (no date, no archive), as publishing leaves it.
    for (const slug of [allSectionsSlug, ...pageSlugsOf(issue)]) {
      const part = filterIssue(issue, slug);
      if (part === undefined) continue;
      const window = applyToWindow(windows.get(slug), slug, date, part, config.windowIssues).doc;
      windows.set(slug, window);
      if (!hasLiveArticles(part)) continue;
      // An archive is written once its feed's next date is known (its next-archive link).
      await flushArchive(slug, date);
      pending.set(slug, {
        spec: feedSpecOf(slug, sectionNameOf(part, slug) ?? window.section, config),
        issue: part,
        prevDate: lastDate.get(slug),
      });
      lastDate.set(slug, date);
    }

    if (calendar !== undefined && calendar.year !== date.slice(0, 4)) await flushCalendar();
    // Dates come in ascending order, each once: appending keeps the calendar sorted, where
    // setCalendarDate re-sorts the whole year on every date (quadratic in a year's dates).
    calendar ??= setCalendarDate(undefined, date, []);
    if (slugs.length > 0) calendar.dates[date] = [...slugs].sort();
    for (const page of issue.pages) {
      const known = sources.get(page.source) ?? [];
      if (known[known.length - 1] !== date) known.push(date);
      sources.set(page.source, known);
    }
    await flushRecords(date);
    deps.onProgress?.({ datesDone: index + 1, datesTotal: dates.length, articlesDone: articles });
  }
  await flushCalendar();
  // Years with pictures but no issue yet.
  for (const year of [...mediaDates.keys()]) await writeCalendar({ schemaVersion: 1, year, dates: {} });
  items = createItemCache(config);
  for (const slug of [...pending.keys()]) await flushArchive(slug, undefined);
  await flushRecords(undefined);

  if (sources.size > 0) await Promise.all(uploadHashKeys.map((key) => site.load(key)));
  await forEachLimit([...sources], writeConcurrency, async ([source, sourceDates]) => {
    let doc: UploadIndexDoc | undefined;
    for (const d of sourceDates) doc = addUploadDate(doc, source, d);
    await putSiteObject(site, { kind: 'upload-index', uploadKey: source }, canonicalJsonBytes(doc), writes);
  });
  for (const key of uploadHashKeys) await site.flush(key);
  // The stored windows, as publishing left them:
  // - a feed whose section no issue document has any more (its pages moved to another 版名, or
  //   were edited away by hand) keeps its window and subscription documents, emptied, as
  //   publishing leaves them: subscribers get an empty feed, not a 404;
  // - publishing never drops a year from a window's `years` (a page that left a year keeps it),
  //   so those years are kept where issues of that year still exist;
  // - a window the rebuild did not build although one of its dates has live pages of the slug
  //   was written by a publish that ran during the rebuild: it is left alone, and pruning skipped.
  const rebuiltYears = new Set(dates.map((d) => d.slice(0, 4)));
  const racing: string[] = [];
  for await (const key of site.list(sitePrefixes.windows)) {
    const slug = keyOfKind(key, 'window')?.slug;
    if (slug === undefined) continue;
    const found = await site.get(key);
    if (found === undefined) continue;
    const stored = decodeWindow(found.body);
    const built = windows.get(slug);
    if (built !== undefined) {
      const years = new Set([...built.years, ...stored.years.filter((y) => rebuiltYears.has(y))]);
      windows.set(slug, { ...built, years: [...years].sort() });
      continue;
    }
    let live = false;
    for (const date of stored.dates) {
      const issue = (await readJson<PublishedIssue>(site, issueKey(date)))?.value;
      if (hasLiveArticles(issue === undefined ? undefined : filterIssue(issue, slug))) live = true;
    }
    if (live) {
      racing.push(slug);
      continue;
    }
    const { tombstones: _, ...kept } = stored;
    windows.set(slug, { ...kept, dates: [], issues: [] });
  }
  // Whatever config the rebuild ran with is now the site's: record it (the `all` window carries
  // its fingerprint, as after a publish).
  const fingerprint = configFingerprint(config);
  // Sections left without any live date drop out of the catalog (and so the OPML).
  let all = windows.get(allSectionsSlug);
  if (all !== undefined) {
    const catalog = catalogWith(all.catalog, windows.values()) ?? all.catalog;
    all = { ...all, catalog, siteConfig: fingerprint };
    windows.set(allSectionsSlug, all);
  }
  const recorded = await site.get(siteConfigKey);
  if (recorded === undefined || parseJsonBytes<SiteConfigRecord>(recorded.body).fingerprint !== fingerprint)
    await writeSiteConfigRecord(site, config, writes);
  for (const window of windows.values()) {
    await putSiteObject(site, { kind: 'window', slug: window.slug }, encodeWindow(window), writes);
    await writeSubscriptionFeeds(site, window, config, writes, items);
  }
  if (all?.issues[0] !== undefined) await writeLatestIssue(site, all.issues[0], writes);
  else deps.log.warn('no issues to rebuild from', { key: latestIssueKey });
  await writeOpml(site, all?.catalog ?? {}, config, writes);
  // Pruning decides from the state just rebuilt; a publish that ran meanwhile added to it. An
  // issue date that appeared since the listing is seen here, and pruning is skipped (the rest
  // of the rebuild stands; run it again). Operators pause the build function first (runbook).
  const rebuilt = new Set(dates);
  const appeared: string[] = [];
  for await (const key of site.list(sitePrefixes.issues)) {
    const date = keyOfKind(key, 'issue')?.date;
    if (date !== undefined && !rebuilt.has(date)) appeared.push(date);
  }
  let deleted = await sitemaps.finish(all?.issues ?? [], appeared.length + racing.length === 0);
  if (appeared.length > 0 || racing.length > 0) {
    deps.log.warn('a publish ran during the rebuild; stale objects not pruned (run it again)', {
      appeared,
      racing,
    });
  } else {
    deleted += await pruneDerived(site, new Set(windows.keys()), calendarYears, rebuilt, deps.log);
  }
  await site.close();
  const records = site.recordsWritten;
  deps.log.info('site rebuilt', { dates: dates.length, articles, written: writes.count, deleted, records });
  return { dates: dates.length, articles, written: writes.count, deleted, records };
};

/**
 * Delete the derived objects the rebuilt state no longer calls for: after an issue document was
 * removed or edited by hand, its archives and calendar would otherwise stay — and a stale
 * calendar would keep lending `prev-archive` links to dates that are gone. Only documents this
 * code derives are touched, each recognised by its exact key form: archives of dates the rebuilt
 * calendars do not give that feed, subscription documents of slugs without a window (windows
 * are kept, emptied, as publishing keeps them), calendars of years without an issue or a
 * picture. Anything else under those prefixes is left alone. Article records are kept (a
 * permalink keeps answering). Stale keys are collected before any is deleted, so no store lists while it deletes.
 */
const pruneDerived = async (
  site: Store,
  slugs: ReadonlySet<string>,
  years: ReadonlySet<string>,
  dates: ReadonlySet<string>,
  log: Log,
): Promise<number> => {
  // The calendars just written, one read per year; a year without issues has none.
  const calendars = new Map<string, CalendarDoc | undefined>();
  const calendarOf = async (year: string) => {
    if (!years.has(year)) return undefined;
    if (!calendars.has(year))
      calendars.set(year, (await readJson<CalendarDoc>(site, calendarKey(year)))?.value);
    return calendars.get(year);
  };
  const stale: string[] = [];
  for await (const key of site.list(sitePrefixes.feeds)) {
    const parsed = parseSiteKey(key);
    if (parsed?.kind === 'feed' && !slugs.has(parsed.slug)) stale.push(key);
    if (parsed?.kind === 'archive') {
      const { slug, date } = parsed;
      const sections = (await calendarOf(date.slice(0, 4)))?.dates[date];
      const live = sections !== undefined && (slug === allSectionsSlug || sections.includes(slug));
      if (!live) stale.push(key);
    }
  }
  for await (const key of site.list(sitePrefixes.calendars)) {
    const year = keyOfKind(key, 'calendar')?.year;
    if (year !== undefined && !years.has(year)) stale.push(key);
  }
  // Hash records of dates without an issue document: a date brought back must not find a record
  // vouching for archives pruned since.
  const records: string[] = [];
  for await (const key of site.list(sitePrefixes.dateHashRecords)) {
    const date = keyOfKind(key, 'date-hashes')?.date;
    if (date !== undefined && !dates.has(date)) records.push(key);
  }
  for (const key of stale) await site.delete(key);
  for (const key of records) await site.delete(key);
  if (stale.length > 0) log.info('stale derived objects deleted', { count: stale.length, first: stale[0] });
  return stale.length;
};
