import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidUploadError } from '../../shared/errors.ts';
import { validatePdfFacsimile } from '../../shared/media/pdf-facsimile.ts';

/** A minimal one-page PDF, written out as a PDF writer would (objects, xref, trailer, %%EOF). */
const minimalPdf = (trailer = '%%EOF\n') =>
  Buffer.from(
    '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n' +
      '1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n' +
      '2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n' +
      '3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 842 1191]>> endobj\n' +
      'xref\n0 4\n0000000000 65535 f \ntrailer <</Size 4/Root 1 0 R>>\nstartxref\n0\n' +
      trailer,
    'latin1',
  );

const refusal = (bytes: Uint8Array, maxBytes?: number) => {
  try {
    validatePdfFacsimile(
      bytes,
      { date: '2024-11-30', page: 1 },
      maxBytes === undefined ? undefined : { maxBytes },
    );
  } catch (error) {
    if (error instanceof InvalidUploadError) return error.code;
    throw error;
  }
  throw new Error('expected the PDF to be refused');
};

describe('validatePdfFacsimile', () => {
  it('names a PDF by its digest, with the date and page as file name', () => {
    const bytes = minimalPdf();
    const digest = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
    expect(validatePdfFacsimile(bytes, { date: '2024-11-30', page: 3 })).toEqual({
      key: `media/${digest}/2024-11-30-03.pdf`,
      contentType: 'application/pdf',
      cacheControl: 'public, max-age=31536000, immutable',
      bytes,
    });
  });

  it('accepts an end-of-file marker followed by a line end or an incremental update', () => {
    expect(() =>
      validatePdfFacsimile(minimalPdf('%%EOF\r\n\r\n'), { date: '2024-11-30', page: 1 }),
    ).not.toThrow();
  });

  it('refuses a truncated upload (no %%EOF at the end)', () => {
    const whole = minimalPdf();
    expect(refusal(whole.subarray(0, whole.length - 20))).toBe('not-a-pdf');
  });

  it('refuses files that are not PDFs', () => {
    expect(refusal(Buffer.from('第一版 要闻\n%%EOF\n'))).toBe('not-a-pdf');
    expect(refusal(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x25, 0x25, 0x45, 0x4f, 0x46]))).toBe('not-a-pdf');
    expect(refusal(Buffer.from('%PDF-x.y\n%%EOF\n'))).toBe('not-a-pdf');
  });

  it('refuses an empty file and a file over the cap', () => {
    expect(refusal(new Uint8Array(0))).toBe('empty');
    const bytes = minimalPdf();
    expect(refusal(bytes, bytes.length - 1)).toBe('too-large');
    expect(() =>
      validatePdfFacsimile(bytes, { date: '2024-11-30', page: 1 }, { maxBytes: bytes.length }),
    ).not.toThrow();
  });
});
