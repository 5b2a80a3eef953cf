import type { Clock } from '../clock.ts';
import type { SiteConfig } from '../config.ts';
import { type ErrorLocation, InvalidUploadError, PreconditionFailedError, StorageError } from '../errors.ts';
import { createItemCache } from '../feeds/feed-items.ts';
import { sectionSlug } from '../feeds/feed-spec.ts';
import type { Log } from '../log.ts';
import { isMediaKey } from '../media/media-key.ts';
import type { Issue } from '../model/issue.ts';
import type { PublishedIssue } from '../model/published.ts';
import type { UnplacedLine } from '../readers/page-text-reader.ts';
import { readUploadReport } from '../readers/read-upload.ts';
import { allSectionsSlug, issueKey, reportKey } from '../site-layout.ts';
import { maintainSitemaps } from '../sitemaps/maintain-sitemaps.ts';
import { writeRootFiles } from '../sitemaps/write-sitemaps.ts';
import type { Store } from '../storage/store.ts';
import { articleRecordsOf } from './article-records.ts';
import { propagateCorrections } from './attach-corrections.ts';
import { canonicalJson, canonicalJsonBytes, parseJsonBytes } from './canonical-json.ts';
import { invalidatingStore } from './derived-hashes.ts';
import { checkIssueDate } from './issue-date-range.ts';
import { mergeUpload } from './merge-upload.ts';
import { publishMedia, settleTextMedia, withAttachedMedia } from './publish-media.ts';
import { formatBeijing } from './publish-times.ts';
import { retractUpload } from './retract-upload.ts';
import { siteConfigFingerprint, withSiteIdAuthority, writeSiteConfigRecord } from './site-config-record.ts';
import {
  addUploadDate,
  applyToWindow,
  type CalendarDoc,
  calendarKey,
  calendarNext,
  calendarPrevious,
  catalogWith,
  clearDeparted,
  decodeWindow,
  encodeWindow,
  filterIssue,
  hasLiveArticles,
  isLivePage,
  type RawIssues,
  sectionNameOf,
  sectionSlugsOf,
  setCalendarDateTracked,
  type UploadIndexDoc,
  uploadIndexKey,
  type WindowDoc,
  windowKey,
  windowNext,
  windowPrevious,
  withOlderDate,
} from './site-state.ts';
import {
  deleteArchiveFeeds,
  feedSpecOf,
  writeArchiveFeeds,
  writeArticleRecords,
  writeLatestIssue,
  writeOpml,
  writeSubscriptionFeeds,
} from './site-writers.ts';
import {
  cachePolicies,
  contentTypes,
  defaultRetryPolicy,
  type RetryPolicy,
  readJson,
  sameBytes,
  settleAll,
  updateJson,
  type Versioned,
  type WriteLog,
} from './store-io.ts';
import { getUploadObject } from './upload-object.ts';

/** What the use case needs; the handler, the CLI and tests each wire their own. */
export interface PublishDeps {
  /** The upload store (`incoming/…`), read only. */
  input: Store;
  /** The site store: everything this writes. */
  site: Store;
  clock: Clock;
  log: Log;
  config: SiteConfig;
  /** Optimistic-concurrency back-off; tests may pass a faster one. */
  retry?: RetryPolicy;
}

/** One upload change, key already decoded (`+` → space, percent-decoding done). */
export interface UploadEvent {
  type: 'created' | 'removed';
  key: string;
  sequencer?: string;
}

/** `reports/<upload key>.json`: what operators and `npm start` read back. */
export type UploadReport =
  | {
      key: string;
      ok: true;
      /** The issue date the upload went into (the first, for a removal that touched several). */
      date?: string;
      /** Page numbers the upload carried (or, for a removal, the pages it retracted). */
      pages: number[];
      /** Articles the upload carried (or retracted). */
      articles: number;
      /** Set when the upload was removed and its articles retracted. */
      retracted?: true;
      /** Published, but something needs an operator (a section sharing another's feed slug). */
      warnings?: string[];
      /** Page-text lines the reader could not place in any article (also named in `warnings`). */
      unplaced?: UnplacedLine[];
      /** Build clock, Beijing time with its explicit offset (`…+08:00`), like every other time. */
      at: string;
    }
  | {
      key: string;
      ok: false;
      code: InvalidUploadError['code'];
      message: string;
      location?: ErrorLocation;
      at: string;
    };

export interface PublishOutcome {
  status: 'published' | 'unchanged' | 'rejected' | 'retracted';
  key: string;
  date?: string;
  /** Site keys written (or deleted), in order. Empty when nothing changed. */
  written: string[];
  report: UploadReport;
}

/** Bounded settle loops: each pass re-checks the documents it rendered from. */
const settleAttempts = 20;

/**
 * Publish one upload change (docs/publishing.md). The event type is a hint only: the use case
 * reconciles the site with what the input store holds NOW, which makes every delivery order
 * converge — a `created` event for a key that is gone retracts (its `removed` event may have
 * arrived first), a `removed` event for a key that exists again publishes it.
 *
 * - Bad data (InvalidUploadError): writes `reports/<key>.json` with ok false and returns
 *   `rejected`, leaving every other object untouched — retrying cannot help, so it does not throw.
 * - Transient faults (StorageError, lost races beyond the retry budget) propagate, so the
 *   Lambda retries the event; every step is idempotent, so a retry completes the publish.
 */
export const publishUpload = async (given: PublishDeps, event: UploadEvent): Promise<PublishOutcome> => {
  // Item ids keep the authority the site was first published under, whatever the site URL now.
  const config = await withSiteIdAuthority(given.site, given.config, given.log);
  // Hash records (derived-hashes.ts) of what this publish rewrites are deleted around its writes.
  const tracked = invalidatingStore(given.site);
  try {
    return await publishEvent({ ...given, config, site: tracked.store }, event);
  } finally {
    await tracked.settle();
  }
};

const publishEvent = async (deps: PublishDeps, event: UploadEvent): Promise<PublishOutcome> => {
  if (isMediaKey(event.key)) return publishMedia(deps, event, { commitAndPropagate, writeReport });
  const writes: WriteLog = [];
  const object = await getUploadObject(deps.input, event.key, deps.config.maxUploadBytes);
  if (object === undefined) {
    if (event.type === 'created')
      deps.log.info('upload gone before it was built; retracting', { key: event.key });
    return retract(deps, event.key, writes);
  }
  if (event.type === 'removed')
    deps.log.info('removed upload exists again; publishing it', { key: event.key });
  let issue: Issue;
  let unplaced: UnplacedLine[];
  try {
    if (object instanceof InvalidUploadError) throw object;
    ({ issue, unplaced } = readUploadReport(object.body, event.key, {
      maxBytes: deps.config.maxUploadBytes,
    }));
    checkIssueDate(issue.date, deps.clock(), deps.config);
  } catch (error) {
    if (!(error instanceof InvalidUploadError)) throw error;
    const report: UploadReport = {
      key: event.key,
      ok: false,
      code: error.code,
      message: error.message,
      location: error.location,
      at: formatBeijing(deps.clock().getTime()),
    };
    await writeReport(deps.site, report, writes);
    deps.log.warn('upload rejected', { key: event.key, code: error.code, message: error.message });
    return { status: 'rejected', key: event.key, written: writes, report };
  }
  return publish(deps, event.key, issue, writes, unplaced);
};

const publish = async (
  deps: PublishDeps,
  key: string,
  issue: Issue,
  writes: WriteLog,
  unplaced: UnplacedLine[] = [],
): Promise<PublishOutcome> => {
  const { site, config } = deps;
  const retry = deps.retry ?? defaultRetryPolicy;
  const now = deps.clock();
  const slugOf = (section: string) => sectionSlug(section, config);

  // The index first: a deletion must find every issue this key ever fed, even after a crash.
  const index = await updateJson<UploadIndexDoc>(
    site,
    uploadIndexKey(key),
    (current) => addUploadDate(current, key, issue.date),
    { contentType: contentTypes.json, cacheControl: cachePolicies.none },
    writes,
    retry,
  );
  // The same key re-used for another date: the pages it fed there no longer exist as uploaded.
  for (const date of index.after?.dates ?? []) {
    if (date === issue.date) continue;
    await commitAndPropagate(
      deps,
      date,
      (prev) => (prev ? retractUpload(prev, key, now) : undefined),
      writes,
    );
  }

  const committed = await commitAndPropagate(
    deps,
    issue.date,
    (prev) => mergeUpload(prev, issue, { source: key, config, now, slugOf }),
    writes,
  );
  await settleTextMedia(deps, key, committed?.issue, { commitAndPropagate, writeReport }, writes);
  const warnings = slugClashes(committed, key);
  for (const warning of warnings) deps.log.warn('section slug clash', { key, warning });
  const corrections = await propagateCorrections(correctionCommit(deps, writes), committed?.issue, key, {
    now,
    publicationTime: config.publicationTime,
  });
  for (const warning of corrections) deps.log.warn('correction target not found', { key, warning });
  warnings.push(...corrections, ...unplacedWarnings(unplaced));

  const report: UploadReport = {
    key,
    ok: true,
    date: issue.date,
    pages: issue.pages.map((p) => p.number).sort((a, b) => a - b),
    articles: issue.pages.reduce((n, p) => n + p.articles.length, 0),
    ...(warnings.length > 0 ? { warnings } : {}),
    ...(unplaced.length > 0 ? { unplaced } : {}),
    at: formatBeijing(now.getTime()),
  };
  await writeReport(site, report, writes);
  const status = writes.length === 0 ? 'unchanged' : 'published';
  deps.log.info(status === 'published' ? 'upload published' : 'upload unchanged', {
    key,
    date: issue.date,
    written: writes.length,
  });
  return { status, key, date: issue.date, written: writes, report };
};

const retract = async (deps: PublishDeps, key: string, writes: WriteLog): Promise<PublishOutcome> => {
  const now = deps.clock();
  const index = await readJson<UploadIndexDoc>(deps.site, uploadIndexKey(key));
  const pages = new Set<number>();
  let articles = 0;
  for (const date of index?.value.dates ?? []) {
    const committed = await commitAndPropagate(
      deps,
      date,
      (prev) => (prev ? retractUpload(prev, key, now) : undefined),
      writes,
    );
    for (const page of committed?.issue.pages ?? []) {
      if (page.source !== key) continue;
      pages.add(page.number);
      articles += page.articles.length;
    }
    // A retracted 更正 notice takes its note off the article it corrected.
    await propagateCorrections(correctionCommit(deps, writes), committed?.issue, key, {
      now,
      publicationTime: deps.config.publicationTime,
    });
  }
  const report: UploadReport = {
    key,
    ok: true,
    date: index?.value.dates[0],
    pages: [...pages].sort((a, b) => a - b),
    articles,
    retracted: true,
    at: formatBeijing(now.getTime()),
  };
  await writeReport(deps.site, report, writes);
  deps.log.info('upload removed; articles retracted', { key, dates: index?.value.dates ?? [], articles });
  return {
    // A key that never published anything retracts nothing, even though its report is written.
    status: writes.length === 0 || index === undefined ? 'unchanged' : 'retracted',
    key,
    date: report.date,
    written: writes,
    report,
  };
};

/**
 * Pages of this upload whose feed (its slug's window, as this publish left it) also carries live
 * pages under another 版名 — homophones (综合 and 宗和 are both `zonghe`), or a section renamed
 * without changing its slug. Both 版名 then share one feed; only the operator can separate them
 * (sectionSlugs), so the report says so. Read from the window, not from history: the warning
 * ends once the other 版名 has left the feed, and a redelivery or a rebuild reports the same.
 */
const slugClashes = (committed: Propagated | undefined, key: string): string[] =>
  (committed?.issue.pages ?? [])
    .filter((page) => page.source === key && isLivePage(page))
    .flatMap((page) => {
      const window = committed?.windows.get(page.sectionSlug)?.value;
      const others = new Set(
        (window?.issues ?? []).flatMap((issue) =>
          issue.pages.filter((p) => p.section !== page.section && isLivePage(p)).map((p) => p.section),
        ),
      );
      if (others.size === 0) return [];
      const names = [...others].sort().join('、');
      return [
        `版名 ${page.section} (page ${page.number}) shares the feed slug "${page.sectionSlug}" with ${names}: ` +
          `both go into one feed, feeds/${page.sectionSlug}/. Give it a slug of its own with the sectionSlugs ` +
          `setting (e.g. {"${page.section}": "${page.sectionSlug}-2"}), then upload the page again.`,
      ];
    });

/** `commitAndPropagate` bound to one publish, for the correction notes (attach-corrections.ts). */
const correctionCommit =
  (deps: PublishDeps, writes: WriteLog) =>
  (date: string, transform: (previous: PublishedIssue | undefined) => PublishedIssue | undefined) =>
    commitAndPropagate(deps, date, transform, writes);

/** One report warning per line the page-text reader could not place: where it is and what it says. */
export const unplacedWarnings = (unplaced: readonly UnplacedLine[]) =>
  unplaced.map(
    ({ line, text }) =>
      `unplaced: line ${line} (${text}) was not placed in any article; check that it is published as meant`,
  );

/**
 * Reports carry the time they were written; a report that differs only in `at` is not rewritten,
 * so a redelivered event writes nothing at all.
 */
export const writeReport = async (site: Store, report: UploadReport, writes: WriteLog) => {
  const key = reportKey(report.key);
  const existing = await readJson<UploadReport>(site, key);
  if (
    existing !== undefined &&
    canonicalJson({ ...existing.value, at: '' }) === canonicalJson({ ...report, at: '' })
  ) {
    return;
  }
  await site.put(key, canonicalJsonBytes(report), {
    contentType: contentTypes.json,
    cacheControl: cachePolicies.none,
  });
  writes.push(key);
};

/**
 * Change one issue and bring everything derived from it up to date:
 * records → issue document → records settled → calendar → windows → feeds, archives, latest, OPML.
 * Returns the issue as finally committed (undefined when there is none) and its feeds' windows.
 */
/** An issue as committed, and the windows of its feeds as its propagation left them. */
interface Propagated {
  issue: PublishedIssue;
  windows: ReadonlyMap<string, Versioned<WindowDoc>>;
}

export const commitAndPropagate = async (
  deps: PublishDeps,
  date: string,
  transform: (previous: PublishedIssue | undefined) => PublishedIssue | undefined,
  writes: WriteLog,
): Promise<Propagated | undefined> => {
  const commit = await commitIssue(deps, date, transform, writes);
  if (commit.after === undefined) return undefined;
  const settled = await settleRecords(deps, date, commit.after, commit.etag!, writes);
  const windows = await propagate(deps, date, commit.before, settled, writes);
  await maintainSitemaps(
    { site: deps.site, config: deps.config, retry: deps.retry ?? defaultRetryPolicy },
    settled,
    windows,
    writes,
  );
  return { issue: settled, windows };
};

interface IssueCommit {
  before: PublishedIssue | undefined;
  after: PublishedIssue | undefined;
  etag: string | undefined;
}

/**
 * Optimistic read-modify-write of `issues/<date>.json`. Within each attempt the article records
 * whose bytes change are written BEFORE the conditional write of the issue document, so no
 * document ever names a record that does not exist. Records written in a lost attempt are
 * rewritten from the fresh state in the next one.
 */
const commitIssue = async (
  deps: PublishDeps,
  date: string,
  transform: (previous: PublishedIssue | undefined) => PublishedIssue | undefined,
  writes: WriteLog,
): Promise<IssueCommit> => {
  const { site } = deps;
  const retry = deps.retry ?? defaultRetryPolicy;
  const key = issueKey(date);
  const touched = new Set<string>();
  for (let attempt = 0; attempt < retry.attempts; attempt += 1) {
    if (attempt > 0) await retry.pause(attempt);
    const current = await readJson<PublishedIssue>(site, key);
    const after = await withAttachedMedia(site, date, current?.value, transform(current?.value));
    if (after === undefined) return { before: current?.value, after: current?.value, etag: current?.etag };
    const bytes = canonicalJsonBytes(after);
    if (current !== undefined && sameBytes(current.bytes, bytes)) {
      if (touched.size > 0) {
        // A lost attempt wrote records from a stale view: bring them back in line first.
        await writeArticleRecords(site, current.value, writes);
      }
      return { before: current.value, after: current.value, etag: current.etag };
    }
    const before = new Map(
      current === undefined
        ? []
        : articleRecordsOf(current.value).map((r) => [r.key, canonicalJson(r.record)]),
    );
    const changed = articleRecordsOf(after).filter(
      (r) => touched.has(r.key) || before.get(r.key) !== canonicalJson(r.record),
    );
    for (const r of changed) touched.add(r.key);
    await writeArticleRecords(
      site,
      {
        ...after,
        pages: pagesHolding(
          after,
          changed.map((r) => r.key),
        ),
      },
      writes,
    );
    try {
      const { etag } = await site.put(key, bytes, {
        contentType: contentTypes.json,
        cacheControl: cachePolicies.short,
        ...(current === undefined ? { ifNoneMatch: '*' as const } : { ifMatch: current.etag }),
      });
      writes.push(key);
      return { before: current?.value, after, etag };
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
    }
  }
  throw new StorageError(`gave up committing ${key} after ${retry.attempts} conflicting writes`);
};

/** The issue's pages reduced to the articles whose record keys are listed. */
const pagesHolding = (issue: PublishedIssue, keys: readonly string[]) => {
  const wanted = new Set(keys);
  return issue.pages.map((page) => ({
    ...page,
    articles: page.articles.filter((a) => wanted.has(`articles/${issue.date}/${a.id}.json`)),
  }));
};

/**
 * After the commit: every record of the committed issue is checked (and rewritten if a racing
 * writer's stale attempt overwrote it), then the issue document is read again; if it moved,
 * repeat with the newer version. The last committer's records therefore win.
 */
const settleRecords = async (
  deps: PublishDeps,
  date: string,
  issue: PublishedIssue,
  etag: string,
  writes: WriteLog,
): Promise<PublishedIssue> => {
  let current = { issue, etag };
  for (let attempt = 0; attempt < settleAttempts; attempt += 1) {
    await writeArticleRecords(deps.site, current.issue, writes);
    const check = await readJson<PublishedIssue>(deps.site, issueKey(date));
    if (check === undefined || check.etag === current.etag) return current.issue;
    current = { issue: check.value, etag: check.etag };
  }
  throw new StorageError(`issue ${date} kept changing while its records were written`);
};

/** Everything derived from one date's issue, made consistent with it (see commitAndPropagate). */
const propagate = async (
  deps: PublishDeps,
  date: string,
  before: PublishedIssue | undefined,
  after: PublishedIssue,
  writes: WriteLog,
): Promise<ReadonlyMap<string, Versioned<WindowDoc>>> => {
  const { site } = deps;
  const retry = deps.retry ?? defaultRetryPolicy;
  const slugsAfter = sectionSlugsOf(after);

  const calendar = await updateJson<CalendarDoc>(
    site,
    calendarKey(date.slice(0, 4)),
    // The slugs come from the issue as read after the calendar: a concurrent publish of another
    // page of this date may have added a section since this one committed.
    async (current) =>
      setCalendarDateTracked(
        current,
        date,
        sectionSlugsOf((await readJson<PublishedIssue>(site, issueKey(date)))?.value),
      ),
    { contentType: contentTypes.json, cacheControl: cachePolicies.none },
    writes,
    retry,
  );
  // Slugs the date left: from the committed change, and from the calendar's pending list, which
  // is all a retry has once the issue document already holds the change.
  const departed = calendar.after?.departed?.[date] ?? [];
  const slugsBefore = [...new Set([...sectionSlugsOf(before), ...departed])].sort();
  const affected = [allSectionsSlug, ...new Set([...slugsBefore, ...slugsAfter])].sort((a, b) =>
    a === allSectionsSlug ? -1 : b === allSectionsSlug ? 1 : a < b ? -1 : 1,
  );
  // Calendars answer neighbour lookups beyond a window. Each one consulted is cached with its
  // ETag and re-checked by the settle loop like the windows: a date another publish adds to it
  // can change a `prev-archive` link rendered from it.
  const calendars = new Map<string, { doc: CalendarDoc | undefined; etag: string | undefined }>([
    [date.slice(0, 4), { doc: calendar.after, etag: calendar.etag }],
  ]);
  const consulted = new Set<string>();
  const calendarOf = async (year: string) => {
    consulted.add(year);
    if (!calendars.has(year)) {
      const found = await readJson<CalendarDoc>(site, calendarKey(year));
      calendars.set(year, { doc: found?.value, etag: found?.etag });
    }
    return calendars.get(year)!.doc;
  };
  const calendarsMoved = async () => {
    let moved = false;
    for (const year of consulted) {
      const found = await site.get(calendarKey(year));
      if (found?.etag === calendars.get(year)?.etag) continue;
      calendars.set(year, {
        doc: found === undefined ? undefined : parseJsonBytes<CalendarDoc>(found.body),
        etag: found?.etag,
      });
      moved = true;
    }
    return moved;
  };

  const issueReads: IssueReads = new Map();
  const issuesMoved = async () => {
    let moved = false;
    for (const [d, read] of issueReads) {
      const found = await site.get(issueKey(d));
      if (found?.etag === (await read).etag) continue;
      issueReads.delete(d);
      moved = true;
    }
    return moved;
  };

  // Archive dates rendered so far, per feed: a later pass re-renders them all, not only this date's
  // current neighbours. A pass rendered from a stale window may have written a neighbour that has
  // since stopped being one (a date inserted between them), after the publish that inserted it
  // had already finished; only this publish can still correct that write.
  const archived = new Map<string, Set<string>>();
  // The calendars consulted here stay in `consulted`: a window's predecessor slot taken from a
  // calendar that another publish changed since must be taken again (revalidatePredecessors).
  const windows = await updateWindows(deps, date, affected, calendarOf, writes);

  const latest = new Map<string, Versioned<WindowDoc>>(windows);
  let rendered: ReadonlyMap<string, Versioned<WindowDoc> & { catalogChanged?: boolean }> = windows;
  // Each pass is caused by another publish's change, so passes are bounded by the concurrent
  // publishes; back off like the conditional writes do.
  const passes = Math.max(settleAttempts, retry.attempts);
  for (let attempt = 0; attempt < passes; attempt += 1) {
    if (attempt > 0) await retry.pause(attempt);
    // A section left without any live date drops out of the catalog (and the OPML); re-checked on
    // every pass, from the freshest section windows, so a racing publish that gave it a date again
    // puts it back.
    const repaired = await repairCatalog(deps, latest, writes);
    if (repaired !== undefined) {
      latest.set(allSectionsSlug, repaired);
      rendered = new Map(rendered).set(allSectionsSlug, repaired);
    }
    await renderFromWindows(deps, date, rendered, slugsBefore, calendarOf, issueReads, archived, writes);
    // Settle: if another publish changed a window meanwhile, what was just written may be stale
    // (and that publish may have rendered before this one wrote). Re-render from the newer one.
    // ETags are compared first; only a window that moved is parsed again.
    const fresh = await Promise.all(affected.map((slug) => site.get(windowKey(slug))));
    const moved = new Map<string, Versioned<WindowDoc>>();
    fresh.forEach((doc, i) => {
      const slug = affected[i]!;
      if (doc !== undefined && doc.etag !== latest.get(slug)?.etag) {
        const window = { value: decodeWindow(doc.body), etag: doc.etag, bytes: doc.body };
        moved.set(slug, window);
        latest.set(slug, window);
      }
    });
    // Calendars and issue documents read for archives beyond the windows can move without any
    // window moving (a neighbour date corrected or inserted): re-render every feed from them.
    const calendarMoved = await calendarsMoved();
    if (calendarMoved) {
      for (const [slug, window] of await revalidateWindows(deps, affected, writes)) {
        latest.set(slug, window);
        moved.set(slug, window);
      }
    }
    const elsewhere = calendarMoved || (await issuesMoved());
    if (moved.size === 0 && !elsewhere) {
      if (departed.length > 0) {
        await updateJson<CalendarDoc>(
          site,
          calendarKey(date.slice(0, 4)),
          (current) => clearDeparted(current, date, departed),
          { contentType: contentTypes.json, cacheControl: cachePolicies.none },
          writes,
          retry,
        );
      }
      return latest;
    }
    rendered = elsewhere ? new Map(latest) : moved;
  }
  throw new StorageError(`feeds of ${date} kept changing while they were written`);
};

/**
 * Make the `all` window's section catalog agree with the section windows at hand (`catalogWith`):
 * nothing is read or written when it already does, which is every publish that does not empty a
 * section. Otherwise a conditional write of the `all` window, re-read on conflict.
 */
const repairCatalog = async (
  deps: PublishDeps,
  windows: ReadonlyMap<string, Versioned<WindowDoc>>,
  writes: WriteLog,
): Promise<(Versioned<WindowDoc> & { catalogChanged: boolean }) | undefined> => {
  const all = windows.get(allSectionsSlug);
  const sections = [...windows.values()].map((w) => w.value);
  if (all === undefined || catalogWith(all.value.catalog, sections) === undefined) return undefined;
  const result = await rewriteWindow(
    deps,
    allSectionsSlug,
    (current) => {
      const catalog = catalogWith(current.catalog, sections);
      return catalog === undefined ? undefined : { ...current, catalog };
    },
    writes,
  );
  if (result === undefined) return undefined;
  const { changed, ...window } = result;
  return { ...window, catalogChanged: changed };
};

/**
 * Read-modify-write of one window document: a conditional write, re-read and redone on a
 * conflict. `change` returns undefined when the window needs nothing. Returns the window as it
 * stands afterwards and whether this call wrote it; undefined when there is no window.
 */
const rewriteWindow = async (
  deps: PublishDeps,
  slug: string,
  change: (current: WindowDoc) => WindowDoc | undefined | Promise<WindowDoc | undefined>,
  writes: WriteLog,
): Promise<(Versioned<WindowDoc> & { changed: boolean }) | undefined> => {
  const { site } = deps;
  const retry = deps.retry ?? defaultRetryPolicy;
  for (let attempt = 0; attempt < retry.attempts; attempt += 1) {
    if (attempt > 0) await retry.pause(attempt);
    const found = await site.get(windowKey(slug));
    if (found === undefined) return undefined;
    const raw: RawIssues = new WeakMap();
    const current = decodeWindow(found.body, raw);
    const doc = await change(current);
    if (doc === undefined) return { value: current, etag: found.etag, bytes: found.body, changed: false };
    const bytes = encodeWindow(doc, raw);
    try {
      const { etag } = await site.put(windowKey(slug), bytes, {
        contentType: contentTypes.ndjson,
        cacheControl: cachePolicies.none,
        ifMatch: found.etag,
      });
      writes.push(windowKey(slug));
      return { value: doc, etag, bytes, changed: true };
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
    }
  }
  throw new StorageError(`gave up rewriting window ${slug} after ${retry.attempts} conflicting writes`);
};

/**
 * The window's dates made to agree with the calendars, read fresh AFTER the window (so a date a
 * concurrent publish adds to a calendar later also reaches the window later, through that
 * publish's own window update, which our conditional write makes it re-read): the slug's newest
 * `windowIssues` live dates plus the predecessor slot. Issues the window holds are kept; a date
 * new to it is read, and skipped when its issue has no live article here (a removal whose
 * calendar update is still to come). Undefined when the window already agrees.
 *
 * Needed because a window's predecessor slot is taken from a calendar when the window loses a
 * date, and a concurrent removal can take that date out of the slug between the calendar read
 * and the window write; once the slot moves up into the window (other dates leaving) it would be
 * an issue without live articles, and the archives around it would link to a date that has none.
 */
const windowFromCalendars = async (
  site: Store,
  doc: WindowDoc,
  windowIssues: number,
): Promise<WindowDoc | undefined> => {
  const byDate = new Map(doc.issues.map((issue) => [issue.date, issue]));
  const dates: string[] = [];
  const issues: PublishedIssue[] = [];
  for (const year of [...doc.years].sort().reverse()) {
    if (dates.length > windowIssues) break;
    const calendar = (await readJson<CalendarDoc>(site, calendarKey(year)))?.value;
    const candidates = Object.keys(calendar?.dates ?? {})
      .filter((d) => doc.slug === allSectionsSlug || calendar!.dates[d]!.includes(doc.slug))
      .sort()
      .reverse();
    for (const d of candidates) {
      if (dates.length > windowIssues) break;
      if (dates.length === windowIssues) {
        dates.push(d); // the predecessor slot: a date, no issue
        break;
      }
      let issue = byDate.get(d);
      if (issue === undefined) {
        const found = (await readJson<PublishedIssue>(site, issueKey(d)))?.value;
        const part = found === undefined ? undefined : filterIssue(found, doc.slug);
        if (!hasLiveArticles(part)) continue;
        issue = part;
      }
      dates.push(d);
      issues.push(issue);
    }
  }
  if (dates.join() === doc.dates.join()) return undefined;
  // Titled after its newest issue, as applyToWindow titles it.
  const section =
    doc.slug === allSectionsSlug ? undefined : (sectionNameOf(issues[0], doc.slug) ?? doc.section);
  return { ...doc, section, dates, issues };
};

/**
 * Once a consulted calendar moved, every affected window is checked against the fresh calendars
 * (`windowFromCalendars`) and rewritten conditionally where it disagrees.
 */
const revalidateWindows = async (
  deps: PublishDeps,
  slugs: readonly string[],
  writes: WriteLog,
): Promise<Map<string, Versioned<WindowDoc>>> => {
  const fixed = new Map<string, Versioned<WindowDoc>>();
  for (const slug of slugs) {
    const result = await rewriteWindow(
      deps,
      slug,
      (current) => windowFromCalendars(deps.site, current, deps.config.windowIssues),
      writes,
    );
    if (result?.changed) fixed.set(slug, { value: result.value, etag: result.etag, bytes: result.bytes });
  }
  return fixed;
};

/** Year documents are read lazily and cached for one propagation. */
type CalendarReader = (year: string) => Promise<CalendarDoc | undefined>;

/**
 * The slug's date before/after `date`: from the window when it knows, else from the calendar of
 * the date's year, then of the nearest earlier/later year the slug appears in (at most two reads).
 */
const neighbour = async (
  direction: 'previous' | 'next',
  window: WindowDoc,
  date: string,
  calendarOf: CalendarReader,
): Promise<string | undefined> => {
  const fromWindow = direction === 'previous' ? windowPrevious(window, date) : windowNext(window, date);
  if (fromWindow.known) return fromWindow.date;
  return calendarNeighbour(direction, window, date, calendarOf);
};

/** The neighbour from the calendars alone: the date's year, then the slug's other years in order. */
const calendarNeighbour = async (
  direction: 'previous' | 'next',
  window: WindowDoc,
  date: string,
  calendarOf: CalendarReader,
): Promise<string | undefined> => {
  const year = date.slice(0, 4);
  const find = direction === 'previous' ? calendarPrevious : calendarNext;
  const sameYear = find(await calendarOf(year), window.slug, date);
  if (sameYear !== undefined) return sameYear;
  const years = window.years.filter((y) => (direction === 'previous' ? y < year : y > year));
  const ordered = direction === 'previous' ? years.reverse() : years;
  for (const y of ordered) {
    const found = find(await calendarOf(y), window.slug, date);
    if (found !== undefined) return found;
  }
  return undefined;
};

/**
 * Update the window documents of the affected slugs. Each attempt reads the windows FIRST and
 * the issue document after, so whatever a window ends up holding is at least as new as what any
 * earlier successful window write held (docs/publishing.md, concurrency).
 */
const updateWindows = async (
  deps: PublishDeps,
  date: string,
  slugs: readonly string[],
  calendarOf: CalendarReader,
  writes: WriteLog,
): Promise<Map<string, Versioned<WindowDoc> & { catalogChanged: boolean }>> => {
  const { site, config } = deps;
  const retry = deps.retry ?? defaultRetryPolicy;
  const result = new Map<string, Versioned<WindowDoc> & { catalogChanged: boolean }>();
  const fingerprint = siteConfigFingerprint(config);
  let pending = [...slugs];
  for (let attempt = 0; attempt < retry.attempts && pending.length > 0; attempt += 1) {
    if (attempt > 0) await retry.pause(attempt);
    // Each window issue's stored line, so unchanged issues are written back without serialising.
    const raw: RawIssues = new WeakMap();
    const currents = await settleAll(
      pending.map(async (slug): Promise<Versioned<WindowDoc> | undefined> => {
        const found = await site.get(windowKey(slug));
        return found === undefined
          ? undefined
          : { value: decodeWindow(found.body, raw), etag: found.etag, bytes: found.body };
      }),
    );
    const issue = (await readJson<PublishedIssue>(site, issueKey(date)))?.value;
    const lost: string[] = [];
    await settleAll(
      pending.map(async (slug, i) => {
        const current = currents[i];
        const filtered = issue === undefined ? undefined : filterIssue(issue, slug);
        let update = applyToWindow(current?.value, slug, date, filtered, config.windowIssues);
        if (update.missing.length > 0) {
          // A date moved up from the spare slot (this date left the section): read its issue.
          const known = new Map<string, PublishedIssue>();
          for (const d of update.missing) {
            const other = (await readJson<PublishedIssue>(site, issueKey(d)))?.value;
            const part = other === undefined ? undefined : filterIssue(other, slug);
            if (hasLiveArticles(part)) known.set(d, part);
          }
          update = applyToWindow(current?.value, slug, date, filtered, config.windowIssues, known);
          // A date that moved up has no live article here any more (its slot came from a calendar
          // a concurrent removal has changed since): take the window's dates from the calendars.
          if (update.missing.some((d) => !known.has(d))) {
            const repaired = await windowFromCalendars(site, update.doc, config.windowIssues);
            if (repaired !== undefined) update = { ...update, doc: repaired, needsOlder: false };
          }
        }
        let doc: WindowDoc =
          slug === allSectionsSlug ? { ...update.doc, siteConfig: fingerprint } : update.doc;
        if (update.needsOlder && doc.dates.length > 0) {
          const oldest = doc.dates[doc.dates.length - 1]!;
          // The window just lost a date, so it cannot vouch for holding every older one.
          doc = withOlderDate(
            doc,
            await calendarNeighbour('previous', doc, oldest, calendarOf),
            config.windowIssues,
          );
        }
        const catalogChanged =
          canonicalJson(doc.catalog ?? {}) !== canonicalJson(current?.value.catalog ?? {});
        const bytes = encodeWindow(doc, raw);
        if (current !== undefined && sameBytes(current.bytes, bytes)) {
          result.set(slug, { ...current, catalogChanged: false });
          return;
        }
        // The record before the window that vouches for it: a fault in between leaves the old
        // fingerprint, so the retry records the config again.
        if (slug === allSectionsSlug && current?.value.siteConfig !== fingerprint) {
          await writeSiteConfigRecord(site, config, writes);
          await writeRootFiles(site, config, writes);
        }
        try {
          const { etag } = await site.put(windowKey(slug), bytes, {
            contentType: contentTypes.ndjson,
            cacheControl: cachePolicies.none,
            ...(current === undefined ? { ifNoneMatch: '*' as const } : { ifMatch: current.etag }),
          });
          writes.push(windowKey(slug));
          result.set(slug, { value: doc, etag, bytes, catalogChanged });
        } catch (error) {
          if (!(error instanceof PreconditionFailedError)) throw error;
          lost.push(slug);
        }
      }),
    );
    pending = lost;
  }
  if (pending.length > 0) throw new StorageError(`gave up updating windows ${pending.join(', ')}`);
  return result;
};

/** Issue documents read for archives outside a window, with their ETags (re-checked by the settle loop). */
type IssueReads = Map<string, Promise<{ issue: PublishedIssue | undefined; etag: string | undefined }>>;

/**
 * Subscription feeds; this date's archives and its neighbours' (RFC 5005 `prev-archive` and
 * `next-archive`), or, when the date left a feed, its archives deleted and its neighbours linked
 * to each other; latest; OPML. Neighbour archives are rendered on every pass, not only when the
 * chain changed: a retry after a fault (which sees the chain already changed) must still finish
 * them, and an unchanged one costs only the comparison reads.
 */
const renderFromWindows = async (
  deps: PublishDeps,
  date: string,
  windows: ReadonlyMap<string, Versioned<WindowDoc> & { catalogChanged?: boolean }>,
  slugsBefore: readonly string[],
  calendarOf: CalendarReader,
  issueReads: IssueReads,
  archived: Map<string, Set<string>>,
  writes: WriteLog,
) => {
  const { site, config } = deps;
  // Each article version is prepared once for all the documents of this pass: the all-sections
  // and section feeds, subscription documents and archives.
  const items = createItemCache(config);
  const issueDoc = async (d: string) => {
    // One read per date and pass, however many feeds ask for it at once.
    let read = issueReads.get(d);
    if (read === undefined) {
      read = readJson<PublishedIssue>(site, issueKey(d)).then((found) => ({
        issue: found?.value,
        etag: found?.etag,
      }));
      issueReads.set(d, read);
    }
    return (await read).issue;
  };
  /** The issue of `d` as the window's feed sees it: from the window when it holds it (no read). */
  const issueOf = async (d: string, window: WindowDoc) => {
    const inWindow = window.issues.find((i) => i.date === d);
    if (inWindow !== undefined) return inWindow;
    const other = await issueDoc(d);
    return other === undefined ? undefined : filterIssue(other, window.slug);
  };

  await settleAll(
    [...windows.values()].map(async ({ value: window }) => {
      const slug = window.slug;
      const links = async (d: string) => {
        const [prevDate, nextDate] = await Promise.all([
          neighbour('previous', window, d, calendarOf),
          neighbour('next', window, d, calendarOf),
        ]);
        return { prevDate, nextDate };
      };
      const earlier = archived.get(slug) ?? new Set<string>();
      archived.set(slug, earlier);
      const archive = async (d: string, known?: { prevDate?: string; nextDate?: string }) => {
        const part = await issueOf(d, window);
        // A part whose articles are all retracted is not in the feed's chain (sectionSlugsOf).
        if (!hasLiveArticles(part)) {
          // Written by an earlier pass, but the date has left this feed since: that write is stale.
          if (earlier.has(d)) await deleteArchiveFeeds(site, slug, d, writes);
          return;
        }
        earlier.add(d);
        // An archive is titled after its own date's 版名 (the subscription feed after the newest).
        const archiveSpec = feedSpecOf(slug, sectionNameOf(part, slug) ?? window.section, config);
        await writeArchiveFeeds(site, archiveSpec, part, known ?? (await links(d)), config, writes, items);
      };
      await writeSubscriptionFeeds(site, window, config, writes, items);
      // The all-sections chain has every date with a live article; a date whose articles are all
      // retracted leaves it like a section it no longer has. Whether the date is in the feed is
      // read on every pass from the window (or the issue document, re-checked by the settle
      // loop), not taken from this publish's commit: a concurrent publish may have brought the
      // date back (the same key uploaded again after its removal), and a later pass of this
      // removal must not delete the archives that publish wrote.
      const hasNow = hasLiveArticles(await issueOf(date, window));
      const hadBefore = slug === allSectionsSlug ? slugsBefore.length > 0 : slugsBefore.includes(slug);
      if (!hasNow && (hadBefore || earlier.has(date))) {
        earlier.delete(date);
        await deleteArchiveFeeds(site, slug, date, writes);
      }
      if (!hasNow && !hadBefore) return;
      // Neighbours of this date in the feed's chain (as it is now, without this date if it left).
      const own = await links(date);
      const neighbours = [own.prevDate, own.nextDate].filter((d): d is string => d !== undefined);
      const again = [...earlier].filter((d) => d !== date && !neighbours.includes(d));
      await settleAll([
        hasNow ? archive(date, own) : undefined,
        ...neighbours.map((d) => archive(d)),
        ...again.map((d) => archive(d)),
      ]);
    }),
  );

  const all = windows.get(allSectionsSlug);
  if (all !== undefined) {
    const newest = all.value.issues[0];
    if (newest !== undefined) await writeLatestIssue(site, newest, writes);
    await writeOpml(
      site,
      all.value.catalog ?? {},
      config,
      writes,
      all.catalogChanged ? 'changed' : 'unknown',
    );
  }
};
