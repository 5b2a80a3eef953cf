import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { InvalidUploadError } from '../../shared/errors.ts';
import { decodeText } from '../../shared/readers/decode-text.ts';

const sample = readFileSync(
  new URL('../fixtures/quzhou-daily-2024-11-30-page01.txt', import.meta.url),
  'utf8',
);
const utf8 = (text: string) => new TextEncoder().encode(text);

/**
 * GB18030-2022 gave standard code points to characters GB18030-2005 had put in the private use
 * area (vertical punctuation U+FE10–U+FE19, a few CJK ideographs). Node's decoder follows 2022,
 * iconv-lite still 2005: map iconv-lite's PUA answers so the oracle compares like with like.
 * The pairs are every two-byte code where the decoders differ (A6D9–A6DF, A6EC–A6ED, A6F3 and eight in FE59–FEA0); four-byte codes agree.
 */
const gb18030PuaRemap = new Map<string, string>(
  (
    [
      [0xe78d, 0xfe10],
      [0xe78e, 0xfe12],
      [0xe78f, 0xfe11],
      [0xe790, 0xfe13],
      [0xe791, 0xfe14],
      [0xe792, 0xfe15],
      [0xe793, 0xfe16],
      [0xe794, 0xfe17],
      [0xe795, 0xfe18],
      [0xe796, 0xfe19],
      [0xe81e, 0x9fb4],
      [0xe826, 0x9fb5],
      [0xe82b, 0x9fb6],
      [0xe82c, 0x9fb7],
      [0xe832, 0x9fb8],
      [0xe843, 0x9fb9],
      [0xe854, 0x9fba],
      [0xe864, 0x9fbb],
    ] as const
  ).map(([pua, standard]) => [String.fromCharCode(pua), String.fromCharCode(standard)]),
);
const asGb18030of2022 = (text: string) =>
  text.replace(/[\uE000-\uF8FF]/g, (c) => gb18030PuaRemap.get(c) ?? c);

/** The error decodeText throws, so tests can assert on code and location. */
const failure = (bytes: Uint8Array, options?: { maxBytes?: number }) => {
  try {
    decodeText(bytes, options);
  } catch (error) {
    if (error instanceof InvalidUploadError) return error;
    throw error;
  }
  throw new Error('decodeText accepted the bytes');
};

describe('decodeText', () => {
  it('reads UTF-8 without a BOM', () => {
    expect(decodeText(utf8(sample))).toEqual({ text: sample, encoding: 'utf-8' });
  });

  it('reads UTF-8 with a BOM and drops the BOM', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(sample)]);
    expect(decodeText(bytes)).toEqual({ text: sample, encoding: 'utf-8' });
  });

  it('reads UTF-16 LE and BE with a BOM', () => {
    const le = iconv.encode(sample, 'utf-16le', { addBOM: true });
    const be = iconv.encode(sample, 'utf-16be', { addBOM: true });
    expect(le[0]).toBe(0xff);
    expect(be[0]).toBe(0xfe);
    expect(decodeText(le)).toEqual({ text: sample, encoding: 'utf-16le' });
    expect(decodeText(be)).toEqual({ text: sample, encoding: 'utf-16be' });
  });

  it('reads GB18030 (and so GBK) bytes of the sample as the same text', () => {
    const gb = iconv.encode(sample, 'gb18030');
    expect(gb.length).toBeLessThan(utf8(sample).length);
    expect(decodeText(gb)).toEqual({ text: sample, encoding: 'gb18030' });
    const gbk = iconv.encode('衢州日报 2024年11月30日 星期六', 'gbk');
    expect(decodeText(gbk)).toEqual({ text: '衢州日报 2024年11月30日 星期六', encoding: 'gb18030' });
  });

  it('rejects an empty file and a file of only blanks and a BOM', () => {
    expect(failure(new Uint8Array()).code).toBe('empty');
    expect(failure(new Uint8Array([0xef, 0xbb, 0xbf, 0x20, 0x0a, 0x09])).code).toBe('empty');
    expect(failure(utf8('\u3000 \r\n')).code).toBe('empty');
  });

  it('rejects NUL bytes as binary and says where', () => {
    const error = failure(utf8('衢州日报\u0000more'));
    expect(error.code).toBe('binary');
    expect(error.location?.offset).toBe(12);
  });

  it('names UTF-16 without a BOM instead of calling it binary', () => {
    const le = failure(iconv.encode(sample, 'utf-16le'));
    expect(le.code).toBe('undecodable');
    expect(le.message).toContain('UTF-16LE without a byte-order mark');
    const be = failure(iconv.encode(sample, 'utf-16be'));
    expect(be.message).toContain('UTF-16BE without a byte-order mark');
    expect(failure(new Uint8Array([0x41, 0x00, 0x00, 0x42, 0x43, 0x00])).code).toBe('binary');
  });

  it('rejects files dominated by control characters as binary', () => {
    const error = failure(new Uint8Array([0x41, 0x01, 0x02, 0x03, 0x42, 0x1b, 0x07, 0x43]));
    expect(error.code).toBe('binary');
    expect(error.location?.offset).toBe(1);
  });

  it.each([
    ['PNG', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
    ['PDF', [...utf8('%PDF-1.7\n%')]],
    ['ZIP', [0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]],
  ])('recognises %s data as binary', (_name, bytes) => {
    expect(failure(new Uint8Array(bytes)).code).toBe('binary');
  });

  it('rejects bytes that are neither UTF-8 nor GB18030, pointing at the first bad byte', () => {
    const error = failure(new Uint8Array([0x61, 0x62, 0xff, 0xfe, 0xfd, 0x63]));
    expect(error.code).toBe('undecodable');
    expect(error.location?.offset).toBe(2);
  });

  it('rejects a BOM that lies about the encoding', () => {
    expect(failure(new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0xc3])).code).toBe('undecodable');
  });

  it('rejects uploads above the limit, which is configurable', () => {
    const bytes = utf8('衢'.repeat(400));
    expect(decodeText(bytes).text).toHaveLength(400);
    const error = failure(bytes, { maxBytes: 1000 });
    expect(error.code).toBe('too-large');
    expect(error.message).toContain('1200');
    expect(failure(new Uint8Array(10 * 1024 * 1024 + 1).fill(0x61)).code).toBe('too-large');
  });

  it('maps the code points GB18030-2022 moved out of the private use area to their standard characters', () => {
    // A6D9 (︐) and FE59 (鿴) decoded to U+E78D and U+E81E under GB18030-2005, as iconv-lite still does.
    expect(decodeText(new Uint8Array([0xa6, 0xd9, 0xfe, 0x59])).text).toBe('\uFE10\u9FB4');
    expect(asGb18030of2022('\uE78D\uE81E')).toBe('\uFE10\u9FB4');
  });

  it('returns text or throws InvalidUploadError for arbitrary bytes, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        let outcome: ReturnType<typeof decodeText> | unknown;
        try {
          outcome = decodeText(bytes);
        } catch (error) {
          outcome = error;
        }
        if (outcome instanceof InvalidUploadError) return;
        expect(outcome).not.toBeInstanceOf(Error);
        const { text, encoding } = outcome as ReturnType<typeof decodeText>;
        expect(text.trim()).not.toBe('');
        // Never mojibake: an independent decoder (iconv-lite) reads the same bytes the same way.
        expect(asGb18030of2022(text)).toBe(
          asGb18030of2022(iconv.decode(Buffer.from(bytes), encoding, { stripBOM: true })),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips arbitrary text through UTF-8 and GB18030', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }), (raw) => {
        const text = `衢州${raw.replace(/[\u0000-\u001f\ufeff]/g, '')}`;
        expect(decodeText(utf8(text)).text).toBe(text);
        expect(decodeText(iconv.encode(text, 'gb18030')).text).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});
