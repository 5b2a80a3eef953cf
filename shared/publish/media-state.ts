import type { MediaRendition, PageFacsimile, PublishedPhoto } from '../model/published.ts';
import { keyOfKind, mediaRefsKey, mediaStateKey, sitePrefixes } from '../site-layout.ts';
import type { Store } from '../storage/store.ts';
import { readJson } from './store-io.ts';

/**
 * What the site knows about the pictures and PDFs uploaded for one issue date (docs/photos.md,
 * ingestion): `state/media/<date>.json`, one entry per media upload key. Entries hold the
 * processed renditions, so attaching them to articles (attach-media.ts) never reads an image, and
 * they are kept whether or not an article matches yet: a photo whose text arrives later attaches
 * then, from this document.
 */

/** The stored renditions of a photo (a {@link PublishedPhoto} without caption, credit, source). */
export type PhotoRenditions = Pick<PublishedPhoto, 'large' | 'thumbnail' | 'webp'>;

export type MediaEntry =
  | {
      kind: 'photo';
      page: number;
      label: string;
      sequence: number;
      /** Digest of the uploaded bytes: a redelivered or identical upload is not processed again. */
      digest: string;
      photo: PhotoRenditions;
    }
  | { kind: 'facsimile'; page: number; digest: string; facsimile: Omit<PageFacsimile, 'source'> };

export interface MediaStateDoc {
  date: string;
  /** Upload key (decoded) → what it published. */
  uploads: Record<string, MediaEntry>;
  /**
   * Upload key → earlier versions (replaced or deleted) whose renditions are still to be released
   * once the issue no longer shows them. Recorded in the same write that drops them from
   * `uploads`, so a crash before the release leaves the work here for the retry (or the next
   * media publish of the date) instead of leaving a deleted picture on the site.
   */
  released?: Record<string, MediaEntry[]>;
}

export const readMediaState = async (site: Store, date: string) =>
  (await readJson<MediaStateDoc>(site, mediaStateKey(date)))?.value;

/** Year → the dates that have a media state, ascending (one listing: rebuild's calendars). */
export const mediaStateDatesByYear = async (site: Store): Promise<Map<string, string[]>> => {
  const years = new Map<string, string[]>();
  for await (const key of site.list(sitePrefixes.mediaState)) {
    const date = keyOfKind(key, 'media-state')?.date;
    if (date === undefined) continue;
    const dates = years.get(date.slice(0, 4)) ?? [];
    years.set(date.slice(0, 4), [...dates, date]);
  }
  for (const dates of years.values()) dates.sort();
  return years;
};

/** Every site key an entry's renditions occupy. */
export const renditionKeysOf = (entry: MediaEntry): string[] => {
  if (entry.kind === 'facsimile') {
    return [
      entry.facsimile.document.key,
      ...(entry.facsimile.thumbnail ? [entry.facsimile.thumbnail.key] : []),
    ];
  }
  const { large, thumbnail, webp } = entry.photo;
  const all: MediaRendition[] = [large, thumbnail, ...(webp ? [webp.large, webp.thumbnail] : [])];
  return all.map((r) => r.key);
};

const primaryOf = (entry: MediaEntry) => renditionKeysOf(entry)[0]!;

/** The state document with `released` written only when something is pending (stable bytes). */
const stateWith = (
  date: string,
  uploads: Record<string, MediaEntry>,
  released: Record<string, MediaEntry[]>,
) => {
  const pending = Object.entries(released).filter(([, entries]) => entries.length > 0);
  return pending.length === 0 ? { date, uploads } : { date, uploads, released: Object.fromEntries(pending) };
};

/**
 * The state with `key`'s entry set (or, for `undefined`, removed): a replaced or removed version
 * with other renditions moves to `released`; a version uploaded again leaves it. Undefined when
 * nothing changes.
 */
export const withMediaEntry = (
  current: MediaStateDoc | undefined,
  date: string,
  key: string,
  entry: MediaEntry | undefined,
): MediaStateDoc | undefined => {
  const uploads = { ...(current?.uploads ?? {}) };
  const old = uploads[key];
  if (entry === undefined && old === undefined) return undefined;
  let pending = current?.released?.[key] ?? [];
  if (old !== undefined && (entry === undefined || primaryOf(old) !== primaryOf(entry))) {
    pending = [...pending.filter((e) => primaryOf(e) !== primaryOf(old)), old];
  }
  if (entry === undefined) delete uploads[key];
  else {
    uploads[key] = entry;
    pending = pending.filter((e) => primaryOf(e) !== primaryOf(entry));
  }
  return stateWith(date, uploads, { ...current?.released, [key]: pending });
};

/** The state without the released versions listed in `done` (upload key → primary keys). */
export const withoutReleased = (
  current: MediaStateDoc | undefined,
  done: ReadonlyMap<string, readonly string[]>,
): MediaStateDoc | undefined => {
  if (current?.released === undefined) return undefined;
  const released = Object.fromEntries(
    Object.entries(current.released).map(([key, entries]) => [
      key,
      entries.filter((e) => !(done.get(key) ?? []).includes(primaryOf(e))),
    ]),
  );
  return stateWith(current.date, current.uploads, released);
};

/**
 * Renditions are content-addressed, so two uploads of the same picture (under two keys, or on two
 * dates) share keys. `state/media/refs/<digest>.json`, named after the digest of the upload's
 * primary rendition, lists every upload that uses those renditions; a rendition is deleted only
 * once no upload listed there uses it any more.
 */
export const refsKeyOf = (entry: MediaEntry) =>
  mediaRefsKey(keyOfKind(primaryOf(entry), 'media')?.digest ?? 'unknown');

export interface MediaRefsDoc {
  /** Upload key → the rendition keys it uses. */
  uploads: Record<string, string[]>;
}

/** The refs with `upload` using `keys` (or, for `undefined`, no longer using any). */
export const withMediaRefs = (
  current: MediaRefsDoc | undefined,
  upload: string,
  keys: readonly string[] | undefined,
): MediaRefsDoc | undefined => {
  const uploads = { ...(current?.uploads ?? {}) };
  if (keys === undefined) {
    if (!(upload in uploads)) return undefined;
    delete uploads[upload];
  } else uploads[upload] = [...keys].sort();
  return { uploads };
};

/** Of `keys`, those no upload in `refs` uses. */
export const unreferencedKeys = (refs: MediaRefsDoc | undefined, keys: readonly string[]) => {
  const used = new Set(Object.values(refs?.uploads ?? {}).flat());
  return keys.filter((key) => !used.has(key));
};
