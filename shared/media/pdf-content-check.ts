import { inflateSync } from 'node:zlib';

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

/** PDF delimiters and white space end a name (ISO 32000-1, 7.2.2). */
const nameRe = /\/([^\s/[\]()<>{}%]*)/g;
const escapeRe = /#([0-9a-fA-F]{2})/g;

/** Inflating at most this much per object stream, and in all, keeps a zip bomb from mattering. */
const maxObjectStreamBytes = 16 * 2 ** 20;
const maxInflatedBytes = 64 * 2 ** 20;

export type PdfContentProblem =
  | { kind: 'encrypted' }
  | { kind: 'active'; what: string }
  | { kind: 'unreadable'; why: string };

/** The distinct names a stretch of PDF syntax uses, escapes decoded. */
const namesIn = (text: string) => {
  const names = new Set<string>();
  for (const [, raw] of text.matchAll(nameRe)) {
    names.add(raw!.replace(escapeRe, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))));
  }
  return names;
};

/** The stream dictionary before each `stream` keyword, and the stream's bytes up to `endstream`. */
function* streamsOf(text: string) {
  const keywordRe = /stream\r?\n/g;
  for (let match = keywordRe.exec(text); match !== null; match = keywordRe.exec(text)) {
    if (text.slice(match.index - 3, match.index) === 'end') continue;
    const dictionaryStart = text.lastIndexOf(' obj', match.index);
    const start = match.index + match[0].length;
    const end = text.indexOf('endstream', start);
    if (dictionaryStart < 0 || end < 0) continue;
    yield { dictionary: text.slice(dictionaryStart, match.index), start, end };
    keywordRe.lastIndex = end;
  }
}

/** The inflated text of every object stream, or why one cannot be read. */
const objectStreamTexts = (bytes: Uint8Array, text: string): string[] | { why: string } => {
  const texts: string[] = [];
  let inflated = 0;
  for (const stream of streamsOf(text)) {
    const names = namesIn(stream.dictionary);
    if (!names.has('ObjStm')) continue;
    // Writers compress object streams with plain Flate; anything else would hide the dictionaries.
    const filters = [...names].filter((n) => n.endsWith('Decode'));
    if (
      filters.length > 1 ||
      (filters.length === 1 && filters[0] !== 'FlateDecode') ||
      names.has('Predictor')
    ) {
      return { why: 'an object stream is encoded in a way that is not checked' };
    }
    const data = bytes.subarray(stream.start, stream.end);
    try {
      const plain =
        filters.length === 0
          ? Buffer.from(data)
          : inflateSync(data, { maxOutputLength: maxObjectStreamBytes, finishFlush: 2 /* Z_SYNC_FLUSH */ });
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
  const plainNames = namesIn(text);
  // Encrypted strings and streams cannot be read, and a reader needs the password anyway.
  if (plainNames.has('Encrypt')) return { kind: 'encrypted' };
  const streams = objectStreamTexts(bytes, text);
  if (!Array.isArray(streams)) return { kind: 'unreadable', why: streams.why };
  for (const names of [plainNames, ...streams.map(namesIn)]) {
    const found = Object.keys(activeNames).find((name) => names.has(name));
    if (found !== undefined) return { kind: 'active', what: activeNames[found]! };
  }
  return undefined;
};
