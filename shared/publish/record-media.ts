import { InvalidUploadError } from '../errors.ts';
import { mediaDigest } from '../media/media-digest.ts';
import { type MediaKeyInfo, parseMediaKey } from '../media/media-key.ts';
import { mediaStateKey, policyForKey } from '../site-layout.ts';
import type { Store } from '../storage/store.ts';
import { checkIssueDate } from './issue-date-range.ts';
import { maxBytesOf, processUpload, type StoredMedia } from './media-entry.ts';
import {
  type MediaEntry,
  type MediaRefsDoc,
  type MediaStateDoc,
  readMediaState,
  refsKeyOf,
  renditionKeysOf,
  withMediaEntry,
  withMediaRefs,
} from './media-state.ts';
import type { PublishDeps } from './publish-types.ts';
import { type DocumentUpdate, defaultRetryPolicy, updateJson, type WriteLog } from './store-io.ts';
import { getUploadObject } from './upload-object.ts';

/**
 * The first half of a media upload's publish (docs/photos.md, ingestion), shared by publishing
 * (publish-media.ts, which then attaches and reports) and the import (which attaches when it
 * writes the issues): read the upload, validate and process it, store its renditions and record
 * it in the date's media state.
 */

export type RecordedMedia =
  /** Recorded: `state` is the date's media state after this upload's entry was set. */
  | { kind: 'recorded'; info: MediaKeyInfo; state: DocumentUpdate<MediaStateDoc> }
  /** A bad key or picture: nothing was stored, and what was published under the key stays. */
  | { kind: 'rejected'; error: InvalidUploadError }
  /** The upload is gone from the input: a retraction. */
  | { kind: 'gone'; info: MediaKeyInfo };

/** Conditional update of a media state or refs document, stored as the site map says. */
export const updateMediaDoc = <T>(
  deps: PublishDeps,
  key: string,
  update: (current: T | undefined) => T | undefined,
  writes: WriteLog,
) => updateJson<T>(deps.site, key, update, policyForKey(key), writes, deps.retry ?? defaultRetryPolicy);

/** Upload `key` now uses `keys` of the entry's renditions (`undefined`: none any more). */
export const refsUpdate = (
  deps: PublishDeps,
  key: string,
  entry: MediaEntry,
  keys: readonly string[] | undefined,
  writes: WriteLog,
) =>
  updateMediaDoc<MediaRefsDoc>(
    deps,
    refsKeyOf(entry),
    (current) => withMediaRefs(current, key, keys),
    writes,
  );

/** Store renditions unconditionally: under a content-addressed key the bytes are always the same. */
const storeObjects = async (site: Store, objects: readonly StoredMedia[], writes: WriteLog) => {
  for (const object of objects) {
    await site.put(object.key, object.bytes, policyForKey(object.key));
    writes.push(object.key);
  }
};

/** Read, validate, process and record media upload `key` (see {@link RecordedMedia}). */
export const recordMedia = async (
  deps: PublishDeps,
  key: string,
  writes: WriteLog,
): Promise<RecordedMedia> => {
  let info: MediaKeyInfo;
  try {
    info = parseMediaKey(key)!;
  } catch (error) {
    if (!(error instanceof InvalidUploadError)) throw error;
    return { kind: 'rejected', error };
  }
  const object = await getUploadObject(deps.input, key, maxBytesOf(info, deps.config));
  if (object === undefined) return { kind: 'gone', info };
  const previous = (await readMediaState(deps.site, info.date))?.uploads[key];
  let processed: { entry: MediaEntry; objects: StoredMedia[] } | undefined;
  try {
    if (object instanceof InvalidUploadError) throw object;
    checkIssueDate(info.date, deps.clock(), deps.config);
    // A redelivery, or the same picture again: its renditions are stored and recorded already.
    if (previous?.digest !== mediaDigest(object.body))
      processed = await processUpload(info, object.body, deps.config);
  } catch (error) {
    if (!(error instanceof InvalidUploadError)) throw error;
    return { kind: 'rejected', error };
  }
  if (processed !== undefined) {
    // References first, objects second: a concurrent release of the same renditions (another key
    // retracting the same picture) either sees this reference or is followed by these puts.
    await refsUpdate(deps, key, processed.entry, renditionKeysOf(processed.entry), writes);
    await storeObjects(deps.site, processed.objects, writes);
  }
  const entry = processed?.entry ?? previous!;
  const state = await updateMediaDoc<MediaStateDoc>(
    deps,
    mediaStateKey(info.date),
    (current) => withMediaEntry(current, info.date, key, entry),
    writes,
  );
  return { kind: 'recorded', info, state };
};
