import type { PublishDeps, UploadReport } from './publish-types.ts';
import { publishUpload } from './publish-upload.ts';
import { recordMedia } from './record-media.ts';
import { forEachLimit, type WriteLog } from './store-io.ts';
import { rejectedReport } from './upload-report.ts';

/**
 * The import's photos and facsimiles (docs/publishing.md, back catalogue). They are recorded
 * (record-media.ts: processed, renditions stored, the date's media state written) BEFORE the text
 * is merged, so the issues the import writes carry them and its one rebuild renders them: no
 * picture re-renders its date's feeds, as each does when published one by one. What this cannot
 * finish goes through publishing's own media use case after the rebuild: a replaced picture (its
 * old renditions are released only once the site no longer shows them) and one gone from the
 * folder meanwhile (a retraction).
 */

export interface RecordedPictures {
  /** Upload key → issue date and page, of the pictures recorded. */
  recorded: Map<string, { date: string; page: number }>;
  /** Keys to publish once the site is built. */
  deferred: string[];
  /** Refused pictures, in key order (their reports are written). */
  refused: Array<{ key: string; code: string; message: string }>;
}

/**
 * Dates whose pictures are processed at once: one picture's resizing overlaps another's store
 * round trips. Within a date they go in key order; their media state is updated conditionally.
 */
const mediaDatesAtOnce = 4;

const byDateFolder = (keys: readonly string[]) => {
  const folders = new Map<string, string[]>();
  for (const key of keys) {
    // The date folder, unparsed: a malformed key must reach recordMedia to get its report.
    const folder = key.split('/')[1] ?? '';
    folders.set(folder, [...(folders.get(folder) ?? []), key]);
  }
  return [...folders.values()];
};

/** Record every picture; `report` writes the report of a refused one. */
export const recordPictures = async (
  deps: PublishDeps,
  keys: readonly string[],
  report: (value: UploadReport) => Promise<void>,
  onDone: (done: number) => void,
): Promise<RecordedPictures> => {
  const result: RecordedPictures = { recorded: new Map(), deferred: [], refused: [] };
  const writes: WriteLog = [];
  let done = 0;
  await forEachLimit(byDateFolder(keys), mediaDatesAtOnce, async (folderKeys) => {
    for (const key of folderKeys) {
      const recorded = await recordMedia(deps, key, writes);
      if (recorded.kind === 'rejected') {
        const { code, message } = recorded.error;
        result.refused.push({ key, code, message });
        await report(rejectedReport(key, recorded.error, deps.clock()));
        deps.log.warn('upload rejected', { key, code, message });
      } else if (recorded.kind === 'gone' || (recorded.state.after?.released?.[key]?.length ?? 0) > 0) {
        result.deferred.push(key);
      } else result.recorded.set(key, { date: recorded.info.date, page: recorded.info.page });
      done += 1;
      onDone(done);
    }
  });
  result.refused.sort((a, b) => (a.key < b.key ? -1 : 1));
  result.deferred.sort();
  return result;
};

/** Publish the deferred pictures one by one on the built site; the refused ones are returned. */
export const publishDeferred = async (deps: PublishDeps, keys: readonly string[]) => {
  const refused: RecordedPictures['refused'] = [];
  for (const key of keys) {
    const { report } = await publishUpload(deps, { type: 'created', key });
    if (!report.ok) refused.push({ key, code: report.code, message: report.message });
  }
  return refused;
};
