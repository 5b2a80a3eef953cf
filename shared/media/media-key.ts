import { InvalidUploadError } from '../errors.ts';
import { IsoDateSchema } from '../model/issue.ts';
import { asciiDigits, readPageName } from '../page-file-name.ts';
import { inputPrefix } from '../site-layout.ts';

/**
 * The upload contract for pictures and page facsimiles (docs/photos.md; keys reach this module
 * decoded, as for text uploads):
 *
 * - `incoming/<YYYY-MM-DD>/<NN>-<label>.{jpg,jpeg,png,webp}` — a photo on page NN, belonging to
 *   the article whose title or caption begins with `<label>` (shared/media/photo-label.ts).
 *   A trailing `-<n>` numbers further photos of the same article: `01-古城韵味-2.jpg` is the
 *   second photo of 古城韵味 大美衢州, `01-古城韵味.jpg` (or `-1`) the first.
 * - `incoming/<YYYY-MM-DD>/<NN>.pdf` — the facsimile of page NN as PDF (版面 PDF);
 * - `incoming/<YYYY-MM-DD>/<NN>.{jpg,jpeg,png,webp}` — the facsimile of page NN as an image.
 *
 * The folder date and page number are required: a picture without them could belong anywhere.
 */
export type MediaKeyInfo =
  | { kind: 'photo'; date: string; page: number; label: string; sequence: number }
  | { kind: 'facsimile'; date: string; page: number; format: 'pdf' | 'image' };

const imageExtensions = new Set(['jpg', 'jpeg', 'png', 'webp']);
/** A photo's number within its article: `-2` … `-99` at the end of the label. */
const sequenceRe = /^(.*\S)\s*[-－]\s*([0-9０-９]{1,2})$/s;
const maxLabelLength = 50;

const unsupported = (key: string, why: string) =>
  new InvalidUploadError('unsupported-key', `unsupported upload key "${key}": ${why}`);

/** The extension of a key's file name, lowercased; undefined when it has none. */
const extensionOf = (key: string) => /\.([^./]+)$/.exec(key)?.[1]?.toLowerCase();

/** True for keys this module owns: pictures and PDFs (the text reader owns .txt/.json/.xml). */
export const isMediaKey = (key: string) => {
  const extension = extensionOf(key);
  return extension !== undefined && (extension === 'pdf' || imageExtensions.has(extension));
};

/**
 * Classify a picture or PDF upload key (already decoded).
 *
 * @returns `undefined` when the key is no media key ({@link isMediaKey}): the caller reads it as
 *   text, JSON or XML.
 * @throws InvalidUploadError `unsupported-key` for a media key outside `incoming/<date>/`, with path
 *   tricks, an impossible date, page 0, a PDF with a label, or a label that is empty or too long.
 */
export const parseMediaKey = (key: string): MediaKeyInfo | undefined => {
  if (!isMediaKey(key)) return undefined;
  if (!key.startsWith(inputPrefix)) throw unsupported(key, `uploads live under ${inputPrefix}`);
  const segments = key.slice(inputPrefix.length).split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..') || key.includes('\\')) {
    throw unsupported(key, 'empty, "." or ".." path segments');
  }
  if (segments.length !== 2) {
    throw unsupported(key, 'pictures and PDFs go directly into a date folder: incoming/<YYYY-MM-DD>/<file>');
  }
  const [date, file] = segments as [string, string];
  if (!IsoDateSchema.safeParse(date).success) throw unsupported(key, `${date} is not a calendar date`);
  const extension = extensionOf(file)!;
  const named = readPageName(file.slice(0, file.length - extension.length - 1));
  if (named === undefined) {
    throw unsupported(
      key,
      'picture names start with the page number: <NN>.pdf, <NN>.jpg or <NN>-<label>.jpg',
    );
  }
  const { page, rest } = named;
  if (page < 1) throw unsupported(key, 'page numbers start at 1');
  if (rest === undefined) {
    return { kind: 'facsimile', date, page, format: extension === 'pdf' ? 'pdf' : 'image' };
  }
  if (extension === 'pdf') throw unsupported(key, 'a page PDF is named by its page number only: <NN>.pdf');
  const numbered = sequenceRe.exec(rest);
  // `-0` numbers nothing: it stays part of the label.
  const counted = numbered !== null && Number(asciiDigits(numbered[2]!)) >= 1;
  const label = (counted ? numbered[1]! : rest).trim();
  const sequence = counted ? Number(asciiDigits(numbered[2]!)) : 1;
  if (label === '' || label.length > maxLabelLength) {
    throw unsupported(key, `the label after the page number must be 1–${maxLabelLength} characters`);
  }
  return { kind: 'photo', date, page, label, sequence };
};

/**
 * The order of an article's photos: by sequence number (`-2` after the unnumbered first, `-10`
 * after `-9`), then by key, so the order never depends on arrival or listing order.
 */
export const comparePhotoKeys = (
  a: { key: string; sequence: number },
  b: { key: string; sequence: number },
): number => a.sequence - b.sequence || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
