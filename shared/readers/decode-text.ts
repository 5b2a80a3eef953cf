import { InvalidUploadError } from '../errors.ts';

/** Encodings an upload may arrive in. Newsroom systems in China still export GBK/GB18030. */
export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

/** Decoded upload text (BOM removed) and the encoding it was read as. */
export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
}

/** Default upload cap; matches `SiteConfig.maxUploadBytes`' default. */
export const defaultMaxUploadBytes = 10 * 1024 * 1024;

/** Share of C0 control characters (besides tab, line feed, carriage return, form feed) above which a file is binary. */
const maxControlRatio = 0.05;

/** Signatures of binary formats people upload by mistake (a scanned page, a zipped export). */
const binaryMagic: ReadonlyArray<{ name: string; bytes: readonly number[] }> = [
  { name: 'PNG image', bytes: [0x89, 0x50, 0x4e, 0x47] },
  { name: 'PDF document', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { name: 'ZIP archive', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { name: 'gzip data', bytes: [0x1f, 0x8b] },
  { name: 'JPEG image', bytes: [0xff, 0xd8, 0xff] },
  { name: 'GIF image', bytes: [0x47, 0x49, 0x46, 0x38] },
  { name: 'OLE2 document (.doc)', bytes: [0xd0, 0xcf, 0x11, 0xe0] },
];

const startsWith = (bytes: Uint8Array, prefix: readonly number[]) =>
  bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);

/**
 * Decode upload bytes to text without ever producing mojibake: a BOM decides (UTF-8, UTF-16
 * LE/BE); otherwise valid UTF-8 is UTF-8 and anything else must be valid GB18030 (a superset of
 * GBK and GB2312). Both decoders are fatal, so a wrong guess throws instead of inventing U+FFFD.
 *
 * @throws InvalidUploadError `too-large`, `empty`, `binary` or `undecodable` (with a byte offset).
 */
export const decodeText = (bytes: Uint8Array, options?: { maxBytes?: number }): DecodedText => {
  const maxBytes = options?.maxBytes ?? defaultMaxUploadBytes;
  if (bytes.length > maxBytes) {
    throw new InvalidUploadError('too-large', `upload is ${bytes.length} bytes; the limit is ${maxBytes}`, {
      location: { offset: maxBytes },
    });
  }
  if (bytes.length === 0) throw new InvalidUploadError('empty', 'upload is empty (0 bytes)');

  for (const magic of binaryMagic) {
    if (startsWith(bytes, magic.bytes)) {
      throw new InvalidUploadError('binary', `upload is binary (${magic.name}), not text`, {
        location: { offset: 0 },
      });
    }
  }

  const decoded = decodeBytes(bytes);
  const { text } = decoded;

  // trim() also strips U+FEFF, so a file holding only BOMs and blanks counts as empty.
  if (text.trim() === '') throw new InvalidUploadError('empty', 'upload holds only whitespace');

  let controls = 0;
  let firstControl = -1;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0) {
      throw new InvalidUploadError('binary', 'upload contains NUL characters: binary data, not text', {
        location: { offset: i },
      });
    }
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) {
      if (controls === 0) firstControl = i;
      controls += 1;
    }
  }
  if (controls / text.length > maxControlRatio) {
    throw new InvalidUploadError(
      'binary',
      `upload is ${Math.round((controls / text.length) * 100)}% control characters: binary data, not text (first at character ${firstControl})`,
      { location: { offset: firstControl } },
    );
  }
  return decoded;
};

const decodeBytes = (bytes: Uint8Array): DecodedText => {
  // A BOM is an explicit declaration: trust it, strictly (fatal), and let the decoder drop it.
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) return { text: strict('utf-8', bytes), encoding: 'utf-8' };
  if (startsWith(bytes, [0xff, 0xfe])) {
    utf16Consistent(bytes, 'UTF-16LE');
    return { text: strict('utf-16le', bytes), encoding: 'utf-16le' };
  }
  if (startsWith(bytes, [0xfe, 0xff])) {
    utf16Consistent(bytes, 'UTF-16BE');
    return { text: strict('utf-16be', bytes), encoding: 'utf-16be' };
  }

  // Without a BOM, a NUL byte means binary (or BOM-less UTF-16, which we do not guess at).
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    const utf16 = bomlessUtf16(bytes);
    if (utf16) {
      throw new InvalidUploadError(
        'undecodable',
        `upload looks like ${utf16} without a byte-order mark (BOM); save it as UTF-8, or as UTF-16 with a BOM`,
        { location: { offset: 0 } },
      );
    }
    throw new InvalidUploadError('binary', 'upload contains NUL bytes: binary data, not text', {
      location: { offset: nul },
    });
  }

  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    // Not UTF-8: GB18030 next. Its byte structure is strict enough (lead 0x81–0xFE, constrained
    // trail bytes) that random or Latin-1 bytes rarely pass the fatal decoder.
  }
  try {
    return { text: new TextDecoder('gb18030', { fatal: true }).decode(bytes), encoding: 'gb18030' };
  } catch (cause) {
    const offset = firstInvalidUtf8(bytes);
    throw new InvalidUploadError(
      'undecodable',
      `upload is neither UTF-8 nor GB18030 (invalid byte at offset ${offset})`,
      {
        location: { offset },
        cause,
      },
    );
  }
};

/** Bytes looked at to recognise BOM-less UTF-16. */
const utf16Window = 4096;

/**
 * Text saved as UTF-16 without a BOM (Windows tools do this) has a NUL in the high byte of
 * every ASCII character (line breaks, digits, ASCII punctuation): NULs at odd offsets (LE) or
 * even offsets (BE) in a fair share of the pairs, and on the other side far fewer, where a CJK
 * character's low byte is 00 (一 U+4E00 is common). Binary data has NULs on both sides.
 */
const bomlessUtf16 = (bytes: Uint8Array): 'UTF-16LE' | 'UTF-16BE' | undefined => {
  const end = Math.min(bytes.length, utf16Window) & ~1;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < end; i += 2) {
    if (bytes[i] === 0) even += 1;
    if (bytes[i + 1] === 0) odd += 1;
  }
  const many = (count: number) => count >= 4 && count >= end / 20;
  if (many(odd) && even * 3 <= odd) return 'UTF-16LE';
  if (many(even) && odd * 3 <= even) return 'UTF-16BE';
  return undefined;
};

/**
 * A UTF-16 BOM in front of bytes that are not UTF-16. Decoding UTF-16 almost never fails, so a
 * wrong BOM would silently turn the text into mojibake. Text has line breaks and ASCII digits,
 * whose UTF-16 form holds a zero byte; bytes after the BOM with no zero byte at all that are
 * valid UTF-8 are UTF-8 behind a stray BOM (an editor's mistake), and are refused.
 */
const utf16Consistent = (bytes: Uint8Array, declared: string) => {
  const rest = bytes.subarray(2);
  if (rest.length === 0 || rest.includes(0)) return;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(rest);
  } catch {
    return;
  }
  throw new InvalidUploadError(
    'undecodable',
    `upload starts with a ${declared} byte-order mark (BOM), but the bytes after it are UTF-8: remove the BOM or save the file as UTF-8`,
    { location: { offset: 0 } },
  );
};

const strict = (encoding: 'utf-8' | 'utf-16le' | 'utf-16be', bytes: Uint8Array) => {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new InvalidUploadError(
      'undecodable',
      `upload declares ${encoding} with a BOM but is not valid ${encoding}`,
      {
        cause,
      },
    );
  }
};

/** Byte offset of the first byte that breaks UTF-8, to point the newsroom at the problem. */
const firstInvalidUtf8 = (bytes: Uint8Array): number => {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const need =
      b < 0x80
        ? 0
        : b >= 0xc2 && b <= 0xdf
          ? 1
          : b >= 0xe0 && b <= 0xef
            ? 2
            : b >= 0xf0 && b <= 0xf4
              ? 3
              : -1;
    if (need < 0) return i;
    if (need === 0) {
      i += 1;
      continue;
    }
    const chunk = bytes.subarray(i, i + need + 1);
    if (chunk.length < need + 1) return i;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(chunk);
    } catch {
      return i;
    }
    i += need + 1;
  }
  return bytes.length;
};
