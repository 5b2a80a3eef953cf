/**
 * What a file's first bytes say it is. Uploads are classified by content, never by their name:
 * newsroom tools save PNGs as .jpg, and a renamed SVG or HTML page must never reach an image
 * decoder (libvips would hand SVG to librsvg, which fetches and scripts).
 */

/** Formats the upload contract accepts as photos and page images. */
export type AcceptedImageFormat = 'jpeg' | 'png' | 'webp';
/** Pictures recognised but refused: named in the report so the newsroom knows what to convert. */
export type RefusedImageFormat = 'gif' | 'tiff' | 'heic' | 'avif' | 'bmp' | 'jxl' | 'jpeg2000' | 'ico';
export type SniffedFormat = AcceptedImageFormat | RefusedImageFormat | 'svg' | 'pdf';

const ascii = (bytes: Uint8Array, from: number, length: number) =>
  String.fromCharCode(...bytes.subarray(from, from + length));

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0) =>
  bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b);

const jxlCodestream = [0xff, 0x0a];
const jxlContainer = [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20];
const jp2Container = [0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20];
const jp2Codestream = [0xff, 0x4f, 0xff, 0x51];

/** ISO base media files (HEIF family): `ftyp` box at offset 4, brand after it. */
const isoBrand = (bytes: Uint8Array) => (ascii(bytes, 4, 4) === 'ftyp' ? ascii(bytes, 8, 4) : undefined);
const avifBrands = new Set(['avif', 'avis']);
const heicBrands = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);

/** What may precede an XML root element: declaration, processing instructions, comments, doctype. */
const xmlPrologRe = /^(?:\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>[]*(?:\[[\s\S]*?\])?\s*>)*/i;
/** An `svg` root element, with or without a namespace prefix (`<svg`, `<svg:svg`). */
const svgRootRe = /^<(?:[\w.-]+:)?svg[\s>/]/i;

/** SVG is XML text whose root element is `svg`; editors put it within the first few KB. */
const looksLikeSvg = (bytes: Uint8Array) => {
  const head = new TextDecoder('utf-8', { fatal: false })
    .decode(bytes.subarray(0, 4096))
    .replace(/^\uFEFF/, '');
  return svgRootRe.test(head.replace(xmlPrologRe, ''));
};

/** The format the bytes are in, or `undefined` when they are no picture or PDF we know. */
export const sniffFormat = (bytes: Uint8Array): SniffedFormat | undefined => {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'webp';
  if (ascii(bytes, 0, 5) === '%PDF-') return 'pdf';
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'gif';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a]))
    return 'tiff';
  if (ascii(bytes, 0, 2) === 'BM' && bytes.length > 14) return 'bmp';
  if (startsWith(bytes, [0x00, 0x00, 0x01, 0x00])) return 'ico';
  if (startsWith(bytes, jxlCodestream) || startsWith(bytes, jxlContainer)) return 'jxl';
  if (startsWith(bytes, jp2Container) || startsWith(bytes, jp2Codestream)) return 'jpeg2000';
  const brand = isoBrand(bytes);
  if (brand !== undefined && avifBrands.has(brand)) return 'avif';
  if (brand !== undefined && heicBrands.has(brand)) return 'heic';
  if (looksLikeSvg(bytes)) return 'svg';
  return undefined;
};

const acceptedImageFormats: ReadonlySet<SniffedFormat> = new Set<AcceptedImageFormat>([
  'jpeg',
  'png',
  'webp',
]);

export const isAcceptedImageFormat = (format: SniffedFormat | undefined): format is AcceptedImageFormat =>
  format !== undefined && acceptedImageFormats.has(format);
