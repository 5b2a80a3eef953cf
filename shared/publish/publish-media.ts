import type { MediaKeyInfo } from '../media/media-key.ts';
import type { PublishedIssue } from '../model/published.ts';
import { mediaStateKey } from '../site-layout.ts';
import type { Store } from '../storage/store.ts';
import { attachMedia, type MediaOutcome } from './attach-media.ts';
import { listMediaDate } from './calendars.ts';
import { cdnPathOf } from './cdn-invalidation.ts';
import {
  type MediaStateDoc,
  readMediaState,
  renditionKeysOf,
  unreferencedKeys,
  withMediaEntry,
  withoutReleased,
} from './media-state.ts';
import { formatBeijing } from './publish-times.ts';
import type { Propagated } from './publish-types.ts';
import type { PublishDeps, PublishOutcome, UploadEvent, UploadReport } from './publish-upload.ts';
import { recordMedia, refsUpdate, updateMediaDoc } from './record-media.ts';
import type { WriteLog } from './store-io.ts';
import { rejectUpload, writeReport } from './upload-report.ts';

/**
 * The photo and facsimile use case (docs/photos.md, ingestion): a picture or PDF uploaded to
 * `incoming/<date>/` is validated, its renditions stored under `media/`, recorded in the date's
 * media state, and attached to the issue — every commit of an issue with media re-attaches all of
 * them ({@link withAttachedMedia}), so arrival order does not matter.
 */

/** What the media use case borrows from the text publish (passed in: no import cycle). */
export interface MediaHost {
  commitAndPropagate(
    deps: PublishDeps,
    date: string,
    transform: (previous: PublishedIssue | undefined) => PublishedIssue | undefined,
    writes: WriteLog,
  ): Promise<Propagated | undefined>;
}

/** A media upload's report: the ok report plus where the upload went. */
export type MediaUploadReport = Extract<UploadReport, { ok: true }> & { media?: MediaOutcome };

/**
 * The hook of every issue commit (publish-upload.ts, commitIssue): an issue that has media, before
 * or after the change, gets them attached afresh from `state/media/<date>.json`. Issues without
 * media pass through untouched and unread.
 */
export const withAttachedMedia = async (
  site: Store,
  date: string,
  previous: PublishedIssue | undefined,
  after: PublishedIssue | undefined,
): Promise<PublishedIssue | undefined> => {
  if (after === undefined || (previous?.hasMedia !== true && after.hasMedia !== true)) return after;
  const state = await readMediaState(site, date);
  return { ...attachMedia(after, state).issue, hasMedia: true };
};

const warningOf = (key: string, outcome: MediaOutcome): string | undefined => {
  switch (outcome.status) {
    case 'attached':
    case 'facsimile':
      return undefined;
    case 'waiting-for-page':
      return `page ${outcome.page} has no published text: ${key} attaches when the page is published`;
    case 'superseded-facsimile':
      return `page ${outcome.page} already has the facsimile ${outcome.by} (a PDF wins over a page image)`;
    default:
      return (
        `${outcome.status}: the label "${outcome.label}" ${outcome.status === 'ambiguous-photo' ? 'begins several' : 'begins no'} ` +
        `article title or caption on page ${outcome.page}; nothing was guessed. Labels that would match: ` +
        `${outcome.candidates.join('、') || '(no article on the page)'}. Rename the file, or name it in the issue document`
      );
  }
};

/** A media upload's report: where it went, with a warning when it needs attention. */
export const mediaReport = (
  key: string,
  date: string,
  outcome: MediaOutcome,
  nowMs: number,
): MediaUploadReport => {
  const warning = warningOf(key, outcome);
  return {
    key,
    ok: true,
    date,
    pages: [outcome.page],
    articles: outcome.status === 'attached' ? 1 : 0,
    ...(warning === undefined ? {} : { warnings: [warning] }),
    media: outcome,
    at: formatBeijing(nowMs),
  };
};

/**
 * The second hook, after a text upload's commit (publish-upload.ts, publish): a date whose issue
 * has media, or whose year calendar lists a media state for it (a picture arrived before any
 * text), may have pictures waiting; they attach now, and the reports of the media on this
 * upload's pages are rewritten to say where they went.
 *
 * Why no picture waits forever: a photo writes its state, lists the date in the calendar, then
 * reads the issue; a text upload commits the issue, then updates the calendar (which it does on
 * every publish) — the calendar's conditional writes order the two, and whichever comes second
 * sees the other. A text publish on a date without media reads nothing extra.
 */
export const settleTextMedia = async (
  deps: PublishDeps,
  key: string,
  committed: Propagated | undefined,
  host: MediaHost,
  writes: WriteLog,
): Promise<void> => {
  if (committed === undefined) return;
  if (committed.issue.hasMedia !== true && !committed.mediaListed) return;
  const state = await readMediaState(deps.site, committed.issue.date);
  if (state === undefined || Object.keys(state.uploads).length === 0) return;
  let issue = committed.issue;
  if (issue.hasMedia !== true) {
    const marked = await host.commitAndPropagate(
      deps,
      issue.date,
      (previous) => previous && { ...previous, hasMedia: true },
      writes,
    );
    issue = marked?.issue ?? issue;
  }
  await reportMediaOfPages(deps, key, issue, state, host, writes);
};

/**
 * The hook after a text retraction (publish-upload.ts, retract): the pictures on the pages the
 * upload fed lost their articles, and their reports say so (`waiting-for-page`: they attach again
 * when the page is published again).
 */
export const settleRetractedMedia = async (
  deps: PublishDeps,
  key: string,
  committed: Propagated | undefined,
  host: MediaHost,
  writes: WriteLog,
): Promise<void> => {
  if (committed?.issue.hasMedia !== true) return;
  const state = await readMediaState(deps.site, committed.issue.date);
  if (state !== undefined) await reportMediaOfPages(deps, key, committed.issue, state, host, writes);
};

/** Rewrite the reports of the media on the pages `key` fed, to say where they are now. */
const reportMediaOfPages = async (
  deps: PublishDeps,
  key: string,
  issue: PublishedIssue,
  state: MediaStateDoc,
  _host: MediaHost,
  writes: WriteLog,
) => {
  const pages = new Set(issue.pages.filter((page) => page.source === key).map((page) => page.number));
  const nowMs = deps.clock().getTime();
  for (const [mediaKey, outcome] of attachMedia(issue, state).outcomes) {
    if (!pages.has(outcome.page)) continue;
    await writeReport(deps.site, mediaReport(mediaKey, issue.date, outcome, nowMs), writes);
  }
};

/**
 * Release the earlier versions of upload `key` that the state lists in `released`, AFTER the
 * issue was committed without them: the upload is taken off their renditions' references, the
 * renditions no upload uses any more are deleted and dropped from the CDN (one invalidation for
 * all of them), and the versions leave `released`. Idempotent, so the retry of an interrupted
 * publish finishes the job: a refused invalidation fails the publish with `released` still
 * pending, and the retry deletes (again, harmlessly) and invalidates again. (Only this key's
 * versions: another key's wait for its own publish, which may not have committed its issue yet.)
 */
const releaseRenditions = async (
  deps: PublishDeps,
  key: string,
  state: MediaStateDoc | undefined,
  writes: WriteLog,
) => {
  const entries = state?.released?.[key] ?? [];
  if (state === undefined || entries.length === 0) return;
  const current = state.uploads[key];
  const kept = new Set(current === undefined ? [] : renditionKeysOf(current));
  const deleted: string[] = [];
  for (const old of entries) {
    const refs = await refsUpdate(deps, key, old, undefined, writes);
    const candidates = renditionKeysOf(old).filter((k) => !kept.has(k));
    for (const orphan of unreferencedKeys(refs.after, candidates)) {
      await deps.site.delete(orphan);
      writes.push(orphan);
      deleted.push(orphan);
    }
  }
  // The edge caches renditions for a year: a retracted photo is gone only once the CDN drops it.
  if (deleted.length > 0) await deps.cdn?.invalidate([...new Set(deleted)].map(cdnPathOf));
  const done = new Map([[key, entries.map((old) => renditionKeysOf(old)[0]!)]]);
  await updateMediaDoc<MediaStateDoc>(
    deps,
    mediaStateKey(state.date),
    (latest) => withoutReleased(latest, done),
    writes,
  );
};

/**
 * Publish (or, when the upload is gone, retract) one photo or facsimile upload. The event type is
 * a hint only, as for text: the input store's current content decides.
 *
 * A bad picture is reported (`rejected`) and changes nothing else: a picture published earlier
 * under the key stays published. Replacing a picture stores the new renditions, attaches them and
 * then deletes the old ones no other upload uses.
 */
export const publishMedia = async (
  deps: PublishDeps,
  event: UploadEvent,
  host: MediaHost,
): Promise<PublishOutcome> => {
  const writes: WriteLog = [];
  const recorded = await recordMedia(deps, event.key, writes);
  if (recorded.kind === 'rejected') return rejectUpload(deps, event.key, recorded.error, writes);
  if (recorded.kind === 'gone') return retractMedia(deps, event.key, recorded.info, host, writes);
  const { info, state } = recorded;
  // Before reading the issue: the text publish that creates it then knows to attach this.
  await listMediaDate(deps, info.date, writes);
  const committed = await host.commitAndPropagate(
    deps,
    info.date,
    (issue) => issue && (issue.hasMedia ? issue : { ...issue, hasMedia: true }),
    writes,
  );
  await releaseRenditions(deps, event.key, state.after, writes);
  const outcome: MediaOutcome = committed
    ? attachMedia(committed.issue, state.after).outcomes.get(event.key)!
    : { status: 'waiting-for-page', page: info.page };
  const report = mediaReport(event.key, info.date, outcome, deps.clock().getTime());
  await writeReport(deps.site, report, writes);
  for (const warning of report.warnings ?? [])
    deps.log.warn('media upload needs attention', { key: event.key, warning });
  const status = writes.length === 0 ? 'unchanged' : 'published';
  deps.log.info(`media upload ${status}`, { key: event.key, date: info.date, outcome: outcome.status });
  return { status, key: event.key, date: info.date, written: writes, report };
};

/** The upload is gone: take it out of the media state and the issue, then free its renditions. */
const retractMedia = async (
  deps: PublishDeps,
  key: string,
  info: MediaKeyInfo,
  host: MediaHost,
  writes: WriteLog,
): Promise<PublishOutcome> => {
  const state = await updateMediaDoc<MediaStateDoc>(
    deps,
    mediaStateKey(info.date),
    (current) => withMediaEntry(current, info.date, key, undefined),
    writes,
  );
  const old = state.before?.uploads[key];
  // Also when the entry is gone already but its release is pending: a retry after a crash.
  if (old !== undefined || state.after?.released?.[key] !== undefined) {
    // Re-attaching without it (withAttachedMedia) takes it off every article and page.
    await host.commitAndPropagate(deps, info.date, (issue) => issue, writes);
    await releaseRenditions(deps, key, state.after, writes);
  }
  const report: UploadReport = {
    key,
    ok: true,
    date: info.date,
    pages: old === undefined ? [] : [old.page],
    articles: 0,
    retracted: true,
    at: formatBeijing(deps.clock().getTime()),
  };
  await writeReport(deps.site, report, writes);
  deps.log.info('media upload removed', { key, date: info.date, known: old !== undefined });
  return {
    status: old === undefined ? 'unchanged' : 'retracted',
    key,
    date: info.date,
    written: writes,
    report,
  };
};
