import type { Clock } from '../clock.ts';
import type { SiteConfig } from '../config.ts';
import type { ErrorLocation, InvalidUploadError } from '../errors.ts';
import { sectionSlug } from '../feeds/feed-spec.ts';
import type { Log } from '../log.ts';
import type { Issue } from '../model/issue.ts';
import type { PublishedIssue } from '../model/published.ts';
import type { UnplacedLine } from '../readers/page-text-reader.ts';
import {
  issueKey,
  mediaStateKey,
  objectPolicy,
  reportKey,
  sitePrefixes,
  uploadIndexKey,
} from '../site-layout.ts';
import type { Store } from '../storage/store.ts';
import { propagateCorrections } from './attach-corrections.ts';
import { attachMedia } from './attach-media.ts';
import { canonicalJsonBytes } from './canonical-json.ts';
import { publishDeferred, recordPictures } from './import-media.ts';
import { createSlugClashTracker } from './import-slug-clashes.ts';
import { dateRangeError } from './issue-date-range.ts';
import { readMediaState } from './media-state.ts';
import { mergeUpload } from './merge-upload.ts';
import { mediaReport } from './publish-media.ts';
import { formatBeijing } from './publish-times.ts';
import type { PublishDeps } from './publish-types.ts';
import { type UploadReport, unplacedWarnings, writeReport } from './publish-upload.ts';
import { type RebuildSummary, rebuildSite } from './rebuild-site.ts';
import { retractUpload } from './retract-upload.ts';
import type { CalendarDoc, UploadIndexDoc } from './site-state.ts';
import { putIfChanged, readJson, settleAll, type WriteLog } from './store-io.ts';

/** One upload as the parsers hand it over: its issue, or why it was rejected. */
export type ParsedUpload =
  | { key: string; issue: Issue; unplaced?: UnplacedLine[] }
  | {
      key: string;
      rejected: { code: InvalidUploadError['code']; message: string; location?: ErrorLocation };
    };

export interface ImportProgress {
  /**
   * `media` (first): photos and facsimiles processed and recorded; `merge`: text uploads read and
   * merged into issue documents; `build`: derived documents, per date.
   */
  phase: 'merge' | 'build' | 'media';
  done: number;
  total: number;
  articles: number;
}

export interface ImportDeps {
  site: Store;
  config: SiteConfig;
  clock: Clock;
  log: Log;
  onProgress?: (progress: ImportProgress) => void;
  /** Parallel store writes (S3 latency; default 16). */
  concurrency?: number;
  /** False: ignore the site's hash records and read every derived object back (after a crash). */
  trustHashRecords?: boolean;
  /** The uploads by their `incoming/…` keys: where the media uploads are read (as publishing reads them). */
  input?: Store;
}

export interface ImportSummary {
  /** Every upload: text and media. */
  uploads: number;
  /** Uploads merged into an issue, or media uploads published. */
  published: number;
  rejected: Array<{ key: string; code: string; message: string }>;
  /** Issue documents written (new or changed). */
  issuesWritten: number;
  build: RebuildSummary;
}

/** Issue documents kept in memory at once; uploads arrive grouped by date (sorted keys). */
const openIssues = 16;

/**
 * Bring a back catalogue in (docs/publishing.md, "Bringing in the back catalogue"): every
 * upload is merged into its issue document exactly as `publishUpload` merges it — uploads in key
 * order, on top of what the site already holds, with the same build clock — and reported as
 * publishing reports it; then every derived document (article records, feeds, archives, OPML,
 * windows, calendars, upload indexes) is built ONCE by the rebuild, instead of re-rendering
 * windows and archives after every page. The result is the site that publishing the same uploads
 * one by one in date order gives (test/publish/import-uploads.test.ts).
 *
 * 更正 notices are attached to the articles they correct as publishing attaches them, and the
 * reports carry publishing's warnings (slug clashes, corrections whose article is not found,
 * unplaced lines).
 *
 * Photos and facsimiles (`media`: keys of `deps.input`) are recorded first, through publishing's
 * own first half of the media use case (import-media.ts); the issues the import writes then carry
 * them as publishing's commits attach them, and the rebuild renders them once. Media a site
 * already holds stay attached to the issues the import rewrites.
 *
 * `uploads` (the text uploads) must yield in ascending key order (publishing order within a
 * date); `total` counts them. Memory holds a few issue documents, and the section and date of
 * each issue (for the slug clashes), not the catalogue.
 */
export const importUploads = async (
  deps: ImportDeps,
  uploads: AsyncIterable<ParsedUpload>,
  total: number,
  mediaKeys: readonly string[] = [],
): Promise<ImportSummary> => {
  const { site, config } = deps;
  const now = deps.clock();
  const at = formatBeijing(now.getTime());
  // A catalogue names a few dozen 版名 thousands of times; their pinyin is worked out once each.
  const slugs = new Map<string, string>();
  const slugOf = (section: string) => {
    let slug = slugs.get(section);
    if (slug === undefined) {
      slug = sectionSlug(section, config);
      slugs.set(section, slug);
    }
    return slug;
  };
  const writes: WriteLog = [];

  // What the site holds already: listed once, so nothing absent is read.
  const existing = await keysUnder(site, sitePrefixes.issues);
  const indexed = await keysUnder(site, sitePrefixes.uploadIndexes);
  const reported = await keysUnder(site, sitePrefixes.reports);
  const mediaStates = await keysUnder(site, sitePrefixes.mediaState);
  const emptySite =
    existing.size === 0 &&
    !(await anyKey(site, sitePrefixes.articles)) &&
    !(await anyKey(site, sitePrefixes.feeds));

  const writer = boundedWriter(deps.concurrency ?? 16);
  const open = new Map<string, PublishedIssue | undefined>();
  const flushed = new Set<string>();
  let issuesWritten = 0;
  /** The issue of a date as the import has it now, without opening it. */
  const currentIssue = async (date: string) => {
    if (open.has(date)) return open.get(date);
    if (flushed.has(date)) await writer.drain(); // its write must land before it is read back
    const stored = existing.has(issueKey(date)) || flushed.has(date);
    return stored ? (await readJson<PublishedIssue>(site, issueKey(date)))?.value : undefined;
  };
  const issueOf = async (date: string) => {
    if (open.has(date)) return open.get(date);
    const doc = await currentIssue(date);
    open.set(date, doc);
    return doc;
  };
  const clashes = createSlugClashTracker(
    config.windowIssues,
    existing.size === 0 ? [] : await readCalendars(site),
    currentIssue,
  );
  /** Change one date's issue, as publishing commits it. */
  const commit = async (
    date: string,
    transform: (previous: PublishedIssue | undefined) => PublishedIssue | undefined,
  ) => {
    const after = transform(await issueOf(date));
    if (after === undefined) return;
    open.set(date, after);
    clashes.update(date, after);
  };
  const corrections = { now, publicationTime: config.publicationTime };
  const flush = async (date: string) => {
    const doc = open.get(date);
    open.delete(date);
    if (doc === undefined) return;
    const known = existing.has(issueKey(date)) || flushed.has(date);
    flushed.add(date);
    const hasState = mediaStates.has(mediaStateKey(date));
    // A date with pictures recorded by this import attaches them even to an issue it had.
    const newMedia = mediaDates.has(date);
    await writer.add(async () => {
      const media = hasState ? await withRecordedMedia(site, doc, known && !newMedia) : undefined;
      const bytes = canonicalJsonBytes(media?.issue ?? doc);
      const policy = objectPolicy({ kind: 'issue', date });
      if (!known) await site.put(issueKey(date), bytes, policy);
      if (!known || (await putIfChanged(site, issueKey(date), bytes, policy, writes))) issuesWritten += 1;
      // As publishing's settle after a text commit: the reports of the media on the pages this
      // import merged, and of the pictures it recorded, say where they went now.
      const pages = new Set(doc.pages.filter((p) => mergedKeys.has(p.source)).map((p) => p.number));
      for (const [key, outcome] of media?.outcomes ?? []) {
        if (!pages.has(outcome.page) && !pictures.recorded.has(key)) continue;
        mediaReported.add(key);
        await writeImportReport(mediaReport(key, date, outcome, now.getTime()));
      }
    });
  };
  const writeImportReport = async (value: UploadReport) => {
    if (reported.has(reportKey(value.key))) await writeReport(site, value, writes);
    else
      await site.put(
        reportKey(value.key),
        canonicalJsonBytes(value),
        objectPolicy({ kind: 'report', uploadKey: value.key }),
      );
  };
  const report = (value: UploadReport) => writer.add(() => writeImportReport(value));
  /** The text uploads merged in this run. */
  const mergedKeys = new Set<string>();

  // Pictures first (import-media.ts): the issues written below carry them.
  const mediaDeps = publishDepsOf(deps, mediaKeys);
  const pictures = await recordPictures(mediaDeps, mediaKeys, report, (done) =>
    deps.onProgress?.({ phase: 'media', done, total: mediaKeys.length, articles: 0 }),
  );
  const mediaDates = new Set([...pictures.recorded.values()].map(({ date }) => date));
  for (const date of mediaDates) mediaStates.add(mediaStateKey(date));
  const mediaReported = new Set<string>();

  const rejected: ImportSummary['rejected'] = [];
  let done = 0;
  let articles = 0;
  for await (const upload of uploads) {
    done += 1;
    // The same date range publishing enforces (issue-date-range.ts), with the import's clock.
    const outOfRange = 'rejected' in upload ? undefined : dateRangeError(upload.issue.date, now, config);
    if ('rejected' in upload || outOfRange !== undefined) {
      const { code, message, location } = 'rejected' in upload ? upload.rejected : outOfRange!;
      rejected.push({ key: upload.key, code, message });
      await report({ key: upload.key, ok: false, code, message, location, at });
      deps.log.warn('upload rejected', { key: upload.key, code, message });
    } else {
      const { key, issue } = upload;
      mergedKeys.add(key);
      // A key that published into other dates before: its pages there are retracted, as publishing does.
      if (indexed.has(uploadIndexKey(key))) {
        const index = await readJson<UploadIndexDoc>(site, uploadIndexKey(key));
        for (const date of index?.value.dates ?? []) {
          if (date === issue.date) continue;
          await commit(date, (previous) => (previous ? retractUpload(previous, key, now) : undefined));
        }
      }
      await commit(issue.date, (previous) =>
        mergeUpload(previous, issue, { source: key, config, now, slugOf }),
      );
      const merged = open.get(issue.date);
      const count = issue.pages.reduce((n, p) => n + p.articles.length, 0);
      articles += count;
      // The warnings publishing gives, in its order: slug clashes, 更正 targets not found, unplaced lines.
      const warnings = await clashes.warnings(merged, key);
      for (const warning of warnings) deps.log.warn('section slug clash', { key, warning });
      const unfound = await propagateCorrections(commit, merged, key, corrections);
      for (const warning of unfound) deps.log.warn('correction target not found', { key, warning });
      const unplaced = upload.unplaced ?? [];
      warnings.push(...unfound, ...unplacedWarnings(unplaced));
      await report({
        key,
        ok: true,
        date: issue.date,
        pages: issue.pages.map((p) => p.number).sort((a, b) => a - b),
        articles: count,
        ...(warnings.length > 0 ? { warnings } : {}),
        ...(unplaced.length > 0 ? { unplaced } : {}),
        at,
      });
    }
    // Least recently merged dates go to the store first.
    while (open.size > openIssues) await flush(open.keys().next().value!);
    deps.onProgress?.({ phase: 'merge', done, total, articles });
  }
  // Dates with new pictures whose text this import does not carry: their issues take them too.
  for (const date of mediaDates) {
    if (flushed.has(date) || open.has(date)) continue;
    await commit(date, (issue) => issue);
    while (open.size > openIssues) await flush(open.keys().next().value!);
  }
  for (const date of [...open.keys()]) await flush(date);
  await writer.drain();
  // Pictures of dates without any issue wait for their text, as when published.
  for (const [key, { date, page }] of pictures.recorded) {
    if (!mediaReported.has(key))
      await report(mediaReport(key, date, { status: 'waiting-for-page', page }, now.getTime()));
  }
  await writer.drain();
  const textRejected = rejected.length;

  const build = await rebuildSite({
    site,
    config,
    clock: deps.clock,
    log: deps.log,
    emptySite,
    trustHashRecords: deps.trustHashRecords,
    onProgress: (p) =>
      deps.onProgress?.({ phase: 'build', done: p.datesDone, total: p.datesTotal, articles: p.articlesDone }),
  });
  const refused = [...pictures.refused, ...(await publishDeferred(mediaDeps, pictures.deferred))];
  rejected.push(...refused.sort((a, b) => (a.key < b.key ? -1 : 1)));
  const summary: ImportSummary = {
    uploads: done + mediaKeys.length,
    published: done - textRejected + mediaKeys.length - refused.length,
    rejected,
    issuesWritten,
    build,
  };
  deps.log.info('import done', { ...summary, rejected: rejected.length });
  return summary;
};

/**
 * An issue as the import writes it, with the media the site has recorded for its date attached
 * (what every commit of publishing does, withAttachedMedia): an issue that has media, or one the
 * import creates on a date whose pictures are waiting for their text (publishing's settle after
 * the commit that creates the issue).
 */
const withRecordedMedia = async (site: Store, doc: PublishedIssue, known: boolean) => {
  if (doc.hasMedia !== true && known) return undefined;
  const state = await readMediaState(site, doc.date);
  if (doc.hasMedia !== true && (state === undefined || Object.keys(state.uploads).length === 0))
    return undefined;
  const { issue, outcomes } = attachMedia(doc, state);
  return { issue: { ...issue, hasMedia: true as const }, outcomes };
};

/** Publishing's dependencies, for the media use case; media uploads are read from `deps.input`. */
const publishDepsOf = (deps: ImportDeps, mediaKeys: readonly string[]): PublishDeps => {
  const { input, site, config, clock, log } = deps;
  if (input === undefined && mediaKeys.length > 0)
    throw new Error('importUploads: media uploads need deps.input');
  return { input: input ?? site, site, config, clock, log };
};

/** Every calendar of the site: the live dates of every section slug. */
const readCalendars = async (site: Store): Promise<CalendarDoc[]> => {
  const calendars: CalendarDoc[] = [];
  for (const key of await keysUnder(site, sitePrefixes.calendars)) {
    const found = await readJson<CalendarDoc>(site, key);
    if (found !== undefined) calendars.push(found.value);
  }
  return calendars;
};

const keysUnder = async (store: Store, prefix: string) => {
  const keys = new Set<string>();
  for await (const key of store.list(prefix)) keys.add(key);
  return keys;
};

const anyKey = async (store: Store, prefix: string) => {
  for await (const _ of store.list(prefix)) return true;
  return false;
};

/**
 * Writes run in the background with at most `limit` in flight; `add` waits for a free slot, and
 * `drain` for every write (rethrowing the first failure).
 */
const boundedWriter = (limit: number) => {
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const add = async (task: () => Promise<void>) => {
    while (inFlight.size >= limit) await Promise.race(inFlight);
    if (failure !== undefined) throw failure.error;
    const running: Promise<void> = task()
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => inFlight.delete(running));
    inFlight.add(running);
  };
  const drain = async () => {
    await settleAll(inFlight);
    if (failure !== undefined) throw failure.error;
  };
  return { add, drain };
};
