import { InvalidUploadError } from '../errors.ts';
import { sectionSlug } from '../feeds/feed-spec.ts';
import { isMediaKey } from '../media/media-key.ts';
import type { Issue } from '../model/issue.ts';
import type { UnplacedLine } from '../readers/page-text-reader.ts';
import { readUploadReport } from '../readers/read-upload.ts';
import { objectPolicy, uploadIndexKey } from '../site-layout.ts';
import { propagateCorrections } from './attach-corrections.ts';
import { invalidatingStore } from './derived-hashes.ts';
import { checkIssueDate } from './issue-date-range.ts';
import { mergeUpload } from './merge-upload.ts';
import { commitAndPropagate } from './propagate.ts';
import { type MediaHost, publishMedia, settleRetractedMedia, settleTextMedia } from './publish-media.ts';
import { formatBeijing } from './publish-times.ts';
import {
  type IssueTransform,
  type Propagated,
  type PublishDeps,
  type PublishOutcome,
  retryOf,
  type UploadEvent,
  type UploadReport,
} from './publish-types.ts';
import { retractUpload } from './retract-upload.ts';
import { withSiteIdAuthority } from './site-config-record.ts';
import { addUploadDate, type UploadIndexDoc } from './site-state.ts';
import { readJson, updateJson, type WriteLog } from './store-io.ts';
import { getUploadObject } from './upload-object.ts';
import {
  publishedReport,
  rejectUpload,
  slugClashes,
  unplacedWarnings,
  writeReport,
} from './upload-report.ts';

// The use case's contract lives in publish-types.ts; callers keep importing it from here.
export type { PublishDeps, PublishOutcome, UploadEvent, UploadReport } from './publish-types.ts';
export { unplacedWarnings, writeReport } from './upload-report.ts';

/** What the photo use case borrows from this one (publish-media.ts: no import cycle). */
const mediaHost: MediaHost = { commitAndPropagate };

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
  // Photos and facsimiles (docs/photos.md) have a use case of their own.
  if (isMediaKey(event.key)) return publishMedia(deps, event, mediaHost);
  const writes: WriteLog = [];
  const upload = await readEventUpload(deps, event);
  if (upload === 'gone') return retract(deps, event.key, writes);
  if (upload instanceof InvalidUploadError) return rejectUpload(deps, event.key, upload, writes);
  return publish(deps, event.key, upload, writes);
};

/** The upload as the input store holds it now: its issue, bad data, or gone. */
const readEventUpload = async (
  deps: PublishDeps,
  event: UploadEvent,
): Promise<{ issue: Issue; unplaced: UnplacedLine[] } | InvalidUploadError | 'gone'> => {
  const object = await getUploadObject(deps.input, event.key, {
    maxBytes: deps.config.maxUploadBytes,
    setting: 'maxUploadBytes',
  });
  if (object === undefined) {
    if (event.type === 'created')
      deps.log.info('upload gone before it was built; retracting', { key: event.key });
    return 'gone';
  }
  if (event.type === 'removed')
    deps.log.info('removed upload exists again; publishing it', { key: event.key });
  try {
    if (object instanceof InvalidUploadError) throw object;
    const read = readUploadReport(object.body, event.key, { maxBytes: deps.config.maxUploadBytes });
    checkIssueDate(read.issue.date, deps.clock(), deps.config);
    return read;
  } catch (error) {
    if (!(error instanceof InvalidUploadError)) throw error;
    return error;
  }
};

/**
 * Record the date in the upload's index → retract its pages from any other date it once fed →
 * commit the merged issue and propagate it → attach its correction notes → report.
 */
const publish = async (
  deps: PublishDeps,
  key: string,
  { issue, unplaced }: { issue: Issue; unplaced: UnplacedLine[] },
  writes: WriteLog,
): Promise<PublishOutcome> => {
  const now = deps.clock();
  const dates = await recordUploadDate(deps, key, issue.date, writes);
  // The same key re-used for another date: the pages it fed there no longer exist as uploaded.
  for (const date of dates) {
    if (date === issue.date) continue;
    const retracted = await commitAndPropagate(deps, date, retraction(key, now), writes);
    await settleRetractedMedia(deps, key, retracted, mediaHost, writes);
  }
  const committed = await commitAndPropagate(deps, issue.date, merging(deps, key, issue, now), writes);
  // A picture that arrived before any text of its date attaches now (publish-media.ts).
  await settleTextMedia(deps, key, committed, mediaHost, writes);
  const warnings = slugClashes(committed, key);
  for (const warning of warnings) deps.log.warn('section slug clash', { key, warning });
  const corrections = await attachCorrections(deps, committed, key, now, writes);
  for (const warning of corrections) deps.log.warn('correction target not found', { key, warning });
  warnings.push(...corrections, ...unplacedWarnings(unplaced));

  const report = publishedReport(key, issue, warnings, unplaced, now);
  await writeReport(deps.site, report, writes);
  const status = writes.length === 0 ? 'unchanged' : 'published';
  deps.log.info(status === 'published' ? 'upload published' : 'upload unchanged', {
    key,
    date: issue.date,
    written: writes.length,
  });
  return { status, key, date: issue.date, written: writes, report };
};

/**
 * Retract every page the key fed, date by date → take the notes of its correction notices off
 * again → report.
 */
const retract = async (deps: PublishDeps, key: string, writes: WriteLog): Promise<PublishOutcome> => {
  const now = deps.clock();
  const index = await readJson<UploadIndexDoc>(deps.site, uploadIndexKey(key));
  const pages = new Set<number>();
  let articles = 0;
  for (const date of index?.value.dates ?? []) {
    const committed = await commitAndPropagate(deps, date, retraction(key, now), writes);
    for (const page of committed?.issue.pages ?? []) {
      if (page.source !== key) continue;
      pages.add(page.number);
      articles += page.articles.length;
    }
    // Pictures on those pages wait for their text again; their reports say so (publish-media.ts).
    await settleRetractedMedia(deps, key, committed, mediaHost, writes);
    // A retracted 更正 notice takes its note off the article it corrected.
    await attachCorrections(deps, committed, key, now, writes);
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
 * `state/uploads/<key>.json` gains the date, before the issue document: a deletion must find
 * every issue this key ever fed, even after a crash. Returns every date the key has fed.
 */
const recordUploadDate = async (deps: PublishDeps, key: string, date: string, writes: WriteLog) => {
  const index = await updateJson<UploadIndexDoc>(
    deps.site,
    uploadIndexKey(key),
    (current) => addUploadDate(current, key, date),
    objectPolicy({ kind: 'upload-index', uploadKey: key }),
    writes,
    retryOf(deps),
  );
  return index.after?.dates ?? [];
};

/**
 * The upload merged into its date's issue. The commit step's pure change of the issue: a further
 * pure step an upload brings (photos) composes here.
 */
const merging = (deps: PublishDeps, key: string, issue: Issue, now: Date): IssueTransform => {
  const { config } = deps;
  const slugOf = (section: string) => sectionSlug(section, config);
  return (previous) => mergeUpload(previous, issue, { source: key, config, now, slugOf });
};

/** The key's pages of a date retracted (nothing to do when the date has no issue). */
const retraction =
  (key: string, now: Date): IssueTransform =>
  (previous) =>
    previous ? retractUpload(previous, key, now) : undefined;

/** Make the issues the committed issue's 更正 notices name agree with them (attach-corrections.ts). */
const attachCorrections = (
  deps: PublishDeps,
  committed: Propagated | undefined,
  key: string,
  now: Date,
  writes: WriteLog,
) =>
  propagateCorrections(
    (date, transform) => commitAndPropagate(deps, date, transform, writes),
    committed?.issue,
    key,
    { now, publicationTime: deps.config.publicationTime },
  );
