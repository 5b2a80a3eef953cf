import { constants, inflateSync } from 'node:zlib';
import { hasExifGps } from './exif-gps.ts';

/**
 * What a 版面 PDF would do besides showing a page, found without a PDF parser. The newsroom's
 * layout software writes pages, fonts and pictures; a PDF that also carries scripts, launch
 * actions, attachments or password security is the wrong file or a tampered one, and publishing
 * it under the paper's own address would lend it the paper's name (docs/photos.md).
 *
 * The check reads every name in the file, and in the object streams (`/Type/ObjStm`) where PDF
 * 1.5+ writers compress their dictionaries, with `#xx` escapes decoded, so `/J#61vaScript` or a
 * catalog packed into an object stream is still seen. Page content, fonts and pictures are other
 * streams and are never inflated. It is a filter against the wrong file, not a proof of safety:
 * readers open the PDF in their own sandboxed viewers.
 */

/**
 * Names that make a PDF act when opened or clicked, rather than show a page. Every JavaScript
 * action names `/S /JavaScript` (and document scripts sit in a `/JavaScript` name tree), so the
 * short `/JS` key, which random compressed bytes would contain now and then, need not be sought.
 */
const activeNames: Record<string, string> = {
  JavaScript: 'JavaScript',
  Launch: 'an action that launches a program',
  EmbeddedFile: 'an embedded file',
  RichMedia: 'embedded media (Flash)',
};

/** An XMP property placing the camera (`exif:GPSLatitude="…"` or as an element). */
const xmpGpsRe = /GPS(?:Latitude|Longitude)\s*(?:=\s*["']|>)\s*[^\s"'<]/;

/** PDF delimiters and white space end a name (ISO 32000-1, 7.2.2). */
const nameRe = /\/([^\s/[\]()<>{}%]*)/g;
const escapeRe = /#([0-9a-fA-F]{2})/g;

/** Inflating at most this much per object stream, and in all, keeps a zip bomb from mattering. */
const maxObjectStreamBytes = 16 * 2 ** 20;
const maxInflatedBytes = 64 * 2 ** 20;

export type PdfContentProblem =
  | { kind: 'encrypted' }
  | { kind: 'active'; what: string }
  | { kind: 'location' }
  | { kind: 'unreadable'; why: string };

/** Adds the names a stretch of PDF syntax uses, escapes decoded, to `names`. */
const addNames = (names: Set<string>, text: string) => {
  for (const [, raw] of text.matchAll(nameRe)) {
    names.add(raw!.replace(escapeRe, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))));
  }
  return names;
};

/**
 * Each `stream` keyword, with the names of its object's dictionary (everything since the previous
 * `endobj` or `endstream`: a string holding the word "stream" cannot split a dictionary so that
 * no part of it shows its type and filter together) and where its data starts. One pass, so a
 * file full of keywords costs no more than its length.
 */
function* streamsOf(text: string) {
  let names = new Set<string>();
  let from = 0;
  for (const match of text.matchAll(/endstream|endobj|stream/g)) {
    addNames(names, text.slice(from, match.index));
    from = match.index + match[0].length;
    if (match[0] !== 'stream') names = new Set();
    else yield { names, start: from + (/^(?:\r\n|\r|\n)/.exec(text.slice(from, from + 2))?.[0].length ?? 0) };
  }
}

/** Filters a reader would decode an object stream with (full names and their abbreviations). */
const flateFilters = new Set(['FlateDecode', 'Fl']);
const otherFilters = new Set([
  ...['LZWDecode', 'LZW', 'ASCIIHexDecode', 'AHx', 'ASCII85Decode', 'A85', 'RunLengthDecode', 'RL'],
  ...['CCITTFaxDecode', 'CCF', 'DCTDecode', 'DCT', 'JBIG2Decode', 'JPXDecode', 'Crypt'],
]);

/**
 * The inflated text of every object stream, or why one cannot be read. An object stream is known
 * by its type or by the `/N` and `/First` a reader needs to use it. An unfiltered one is plain
 * text, read with the rest of the file; a Flate one is inflated from its first byte (zlib finds
 * its own end, so a planted `endstream` cannot cut it short); any other encoding is refused.
 */
const objectStreamTexts = (bytes: Uint8Array, text: string): string[] | { why: string } => {
  const texts: string[] = [];
  let inflated = 0;
  for (const { names, start } of streamsOf(text)) {
    if (!names.has('ObjStm') && !(names.has('N') && names.has('First'))) continue;
    const flate = [...names].filter((n) => flateFilters.has(n)).length;
    const other = [...names].some((n) => otherFilters.has(n));
    if (flate === 0 && !other) continue;
    if (flate > 1 || other || names.has('Predictor')) {
      return { why: 'an object stream is encoded in a way that is not checked' };
    }
    try {
      const plain = inflateSync(bytes.subarray(start), {
        maxOutputLength: maxObjectStreamBytes,
        finishFlush: constants.Z_SYNC_FLUSH,
      });
      inflated += plain.length;
      if (inflated > maxInflatedBytes) return { why: 'its object streams inflate to more than 64 MB' };
      texts.push(plain.toString('latin1'));
    } catch {
      return { why: 'an object stream does not inflate' };
    }
  }
  return texts;
};

/** The first reason a PDF is not a plain page, or `undefined` when it is one. */
export const pdfContentProblem = (bytes: Uint8Array): PdfContentProblem | undefined => {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const plainNames = addNames(new Set(), text);
  // Encrypted strings and streams cannot be read, and a reader needs the password anyway.
  if (plainNames.has('Encrypt')) return { kind: 'encrypted' };
  const streams = objectStreamTexts(bytes, text);
  if (!Array.isArray(streams)) return { kind: 'unreadable', why: streams.why };
  for (const names of [plainNames, ...streams.map((t) => addNames(new Set(), t))]) {
    const found = Object.keys(activeNames).find((name) => names.has(name));
    if (found !== undefined) return { kind: 'active', what: activeNames[found]! };
  }
  // A photo embedded as JPEG (DCTDecode) keeps its EXIF; XMP packets are plain text.
  if (hasExifGps(bytes) || xmpGpsRe.test(text)) return { kind: 'location' };
  return undefined;
};
