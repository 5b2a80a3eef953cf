import type { MediaRendition, PageFacsimile, PublishedPhoto } from '../model/published.ts';
import type { Store } from '../storage/store.ts';
import { readJson } from './store-io.ts';

/**
 * What the site knows about the pictures and PDFs uploaded for one issue date (docs/photos.md,
 * ingestion): `state/media/<date>.json`, one entry per media upload key. Entries hold the
 * processed renditions, so attaching them to articles (attach-media.ts) never reads an image, and
 * they are kept whether or not an article matches yet: a photo whose text arrives later attaches
 * then, from this document.
 */
export const mediaStateKey = (date: string) => `state/media/${date}.json`;

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
}

export const readMediaState = async (site: Store, date: string) =>
  (await readJson<MediaStateDoc>(site, mediaStateKey(date)))?.value;

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

/** The state with `key`'s entry set (or, for `undefined`, removed); undefined when nothing changes. */
export const withMediaEntry = (
  current: MediaStateDoc | undefined,
  date: string,
  key: string,
  entry: MediaEntry | undefined,
): MediaStateDoc | undefined => {
  const uploads = { ...(current?.uploads ?? {}) };
  if (entry === undefined) {
    if (current === undefined || !(key in uploads)) return undefined;
    delete uploads[key];
  } else uploads[key] = entry;
  return { date, uploads };
};

/**
 * Renditions are content-addressed, so two uploads of the same picture (under two keys, or on two
 * dates) share keys. `state/media/refs/<digest>.json`, named after the digest of the upload's
 * primary rendition, lists every upload that uses those renditions; a rendition is deleted only
 * once no upload listed there uses it any more.
 */
export const mediaRefsKey = (primaryKey: string) =>
  `state/media/refs/${/^media\/([^/]+)\//.exec(primaryKey)?.[1] ?? 'unknown'}.json`;

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
