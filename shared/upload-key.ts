import { InvalidUploadError } from './errors.ts';
import { type MediaKeyInfo, parseMediaKey } from './media/media-key.ts';
import { IsoDateSchema } from './model/issue.ts';
import { readPageName } from './page-file-name.ts';
import { inputPrefix } from './site-layout.ts';

/**
 * The upload contract (docs/upload-contract.md): what an object key under `incoming/` says
 * about its content. Keys reach this module decoded ({@link decodeS3Key}).
 *
 * - `incoming/<YYYY-MM-DD>/<NN>.txt`, `incoming/<YYYY-MM-DD>/<NN>-<版名>.txt`: page text with
 *   date, page number and section (版名) hints;
 * - `incoming/<YYYY-MM-DD>/<anything>.txt`: page text with a date hint;
 * - `incoming/<anything>.txt`: page text whose masthead must carry the date (a front page);
 * - `incoming/<anything>.json` / `.xml`: issue documents; under a dated folder the document's
 *   date must match the folder's;
 * - `incoming/<YYYY-MM-DD>/<NN>-<label>.{jpg,jpeg,png,webp}`, `<NN>.pdf`, `<NN>.{jpg,…}`: photos
 *   and page facsimiles (shared/media/media-key.ts), published by shared/publish/publish-media.ts.
 */
export type UploadKeyInfo =
  | { kind: 'page-text'; date?: string; page?: number; section?: string }
  | { kind: 'json' | 'xml'; date?: string }
  | { kind: 'media'; media: MediaKeyInfo };

/** Prefix every upload key lives under; the bucket notification filters on it. */
export const uploadPrefix = inputPrefix;

const datedFolder = /^(\d{4}-\d{2}-\d{2})\//;

const unsupported = (key: string, why: string) =>
  new InvalidUploadError('unsupported-key', `unsupported upload key "${key}": ${why}`);

/**
 * Classify an upload key (already decoded) and extract the hints its name carries.
 *
 * @throws InvalidUploadError `unsupported-key` for keys outside `incoming/`, other extensions, media
 *   keys breaking their contract (parseMediaKey),
 *   path tricks (`..`, empty segments), impossible dates or page 0 in a dated page-text name.
 */
export const parseUploadKey = (key: string): UploadKeyInfo => {
  const media = parseMediaKey(key);
  if (media !== undefined) return { kind: 'media', media };
  if (!key.startsWith(uploadPrefix)) throw unsupported(key, `uploads live under ${uploadPrefix}`);
  const rest = key.slice(uploadPrefix.length);
  const segments = rest.split('/');
  // Stores map keys to files on disk; never let a key climb out of its folder.
  if (segments.some((s) => s === '' || s === '.' || s === '..') || rest.includes('\\')) {
    throw unsupported(key, 'empty, "." or ".." path segments');
  }
  const file = segments[segments.length - 1]!;
  const extension = /\.([^.]+)$/.exec(file)?.[1]?.toLowerCase();
  const folderDate = datedFolder.exec(rest)?.[1];
  if (folderDate !== undefined && !IsoDateSchema.safeParse(folderDate).success) {
    throw unsupported(key, `${folderDate} is not a calendar date`);
  }

  if (extension === 'json' || extension === 'xml') {
    return folderDate === undefined ? { kind: extension } : { kind: extension, date: folderDate };
  }
  if (extension !== 'txt')
    throw unsupported(
      key,
      'expected a .txt, .json or .xml file, a picture (.jpg, .jpeg, .png, .webp) or a .pdf',
    );

  // Hints come only from files directly inside the dated folder (incoming/<date>/<file>).
  if (folderDate === undefined || segments.length !== 2) return { kind: 'page-text' };
  // `<NN>.txt` or `<NN>-<版名>.txt` (page-file-name.ts, as for pictures).
  const named = readPageName(file.slice(0, -'.txt'.length));
  if (named === undefined) return { kind: 'page-text', date: folderDate };
  const { page } = named;
  if (page < 1) throw unsupported(key, 'page numbers start at 1');
  const section = named.rest?.trim();
  if (section !== undefined && (section === '' || section.length > 50)) {
    throw unsupported(key, 'the section name (版名) after the page number must be 1–50 characters');
  }
  return section === undefined
    ? { kind: 'page-text', date: folderDate, page }
    : { kind: 'page-text', date: folderDate, page, section };
};

/**
 * Decode an S3 event key: S3 form-urlencodes keys in notifications (`+` for space, `%XX` for
 * UTF-8 bytes, so `01-要闻.txt` arrives as `01-%E8%A6%81%E9%97%BB.txt`).
 *
 * @throws InvalidUploadError `unsupported-key` when the percent-encoding is malformed.
 */
export const decodeS3Key = (raw: string): string => {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch (cause) {
    throw new InvalidUploadError('unsupported-key', `upload key "${raw}" has malformed percent-encoding`, {
      cause,
    });
  }
};
