import { createHash } from 'node:crypto';
import { deflateRawSync, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { InvalidUploadError } from '../../shared/errors.ts';
import { validatePdfFacsimile } from '../../shared/media/pdf-facsimile.ts';

/**
 * A minimal one-page PDF, written out as a PDF writer would (objects, xref, trailer, %%EOF), with
 * optional entries for its catalog and trailer and further objects.
 */
const minimalPdf = (
  trailer = '%%EOF\n',
  extra: { catalog?: string; objects?: (string | Buffer)[]; trailer?: string } = {},
) =>
  Buffer.concat([
    Buffer.from(
      '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n' +
        `1 0 obj <</Type/Catalog/Pages 2 0 R${extra.catalog ?? ''}>> endobj\n` +
        '2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n' +
        '3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 842 1191]>> endobj\n',
      'latin1',
    ),
    ...(extra.objects ?? []).map((o) => (typeof o === 'string' ? Buffer.from(o, 'latin1') : o)),
    Buffer.from(
      `xref\n0 4\n0000000000 65535 f \ntrailer <</Size 4/Root 1 0 R${extra.trailer ?? ''}>>\nstartxref\n0\n${trailer}`,
      'latin1',
    ),
  ]);

/** A stream object: `<<dictionary /Length n>> stream … endstream`. */
const streamObject = (number: number, dictionary: string, data: Buffer) =>
  Buffer.concat([
    Buffer.from(`${number} 0 obj <<${dictionary}/Length ${data.length}>> stream\r\n`, 'latin1'),
    data,
    Buffer.from('\r\nendstream endobj\n', 'latin1'),
  ]);

const refusal = (bytes: Uint8Array, maxBytes?: number) => refusalError(bytes, maxBytes).code;

const refusalError = (bytes: Uint8Array, maxBytes?: number) => {
  try {
    validatePdfFacsimile(
      bytes,
      { date: '2024-11-30', page: 1 },
      maxBytes === undefined ? undefined : { maxBytes },
    );
  } catch (error) {
    if (error instanceof InvalidUploadError) return error;
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

  it('refuses an HTML page named .pdf', () => {
    const html = '<!DOCTYPE html>\n<html><body><script>alert(1)</script>%%EOF</body></html>\n';
    expect(refusal(Buffer.from(html))).toBe('not-a-pdf');
    expect(refusal(Buffer.from(`\uFEFF${html}`))).toBe('not-a-pdf');
  });
});

describe('validatePdfFacsimile: what a PDF does besides showing a page', () => {
  const place = { date: '2024-11-30', page: 1 };

  it('accepts an OpenAction that only opens the first page at a zoom, as layout software writes', () => {
    expect(() =>
      validatePdfFacsimile(minimalPdf(undefined, { catalog: '/OpenAction[3 0 R/Fit]' }), place),
    ).not.toThrow();
  });

  it('refuses JavaScript run on opening, however its name is spelt', () => {
    for (const catalog of [
      '/OpenAction<</S/JavaScript/JS(app.alert(1))>>',
      '/OpenAction 4 0 R',
      '/OpenAction<</S/J#61va#53cript/JS 5 0 R>>',
      '/Names<</JavaScript<</Names[(x) 4 0 R]>>>>',
    ]) {
      const pdf = minimalPdf(undefined, {
        catalog,
        objects: ['4 0 obj <</Type/Action/S /JavaScript\n/JS (this.exportDataObject())>> endobj\n'],
      });
      const error = refusalError(pdf);
      expect([error.code, error.message], catalog).toEqual([
        'unsupported-pdf',
        'the PDF contains JavaScript; export the page as a plain PDF without scripts, actions or attachments',
      ]);
    }
  });

  it('refuses JavaScript packed into a compressed object stream', () => {
    const packed = deflateSync(
      Buffer.from('4 0 <</S/JavaScript/JS(app.launchURL("http://x.invalid"))>>', 'latin1'),
    );
    const pdf = minimalPdf(undefined, {
      catalog: '/OpenAction 4 0 R',
      objects: [streamObject(5, '/Type/ObjStm/N 1/First 4/Filter/FlateDecode', packed)],
    });
    expect(pdf.includes('JavaScript')).toBe(false);
    expect(refusal(pdf)).toBe('unsupported-pdf');
    // The same stream holding an ordinary dictionary passes.
    const plain = deflateSync(Buffer.from('4 0 <</Type/Font/Subtype/Type1/BaseFont/Helvetica>>', 'latin1'));
    expect(() =>
      validatePdfFacsimile(
        minimalPdf(undefined, {
          objects: [streamObject(5, '/Type/ObjStm/N 1/First 4/Filter/FlateDecode', plain)],
        }),
        place,
      ),
    ).not.toThrow();
  });

  it('finds an object stream however it is disguised', () => {
    const script = Buffer.from('4 0 <</S/JavaScript/JS(app.alert(1))>>', 'latin1');
    const adler32 = (data: Buffer) => {
      let [a, b] = [1, 0];
      for (const byte of data) [a, b] = [(a + byte) % 65521, (b + ((a + byte) % 65521)) % 65521];
      const sum = Buffer.alloc(4);
      sum.writeUInt32BE(((b << 16) | a) >>> 0);
      return sum;
    };
    // A zlib stream whose first, stored block spells "endstream": a scan that ends the data there
    // would inflate only that block and miss the script in the second.
    const planted = Buffer.from('endstream\n', 'latin1');
    const storedHead = Buffer.from([0x00, planted.length, 0, ~planted.length & 0xff, 0xff]);
    const plantedZlib = Buffer.concat([
      Buffer.from([0x78, 0x01]),
      storedHead,
      planted,
      deflateRawSync(script),
      adler32(Buffer.concat([planted, script])),
    ]);
    const packed = deflateSync(script);
    for (const [why, object] of [
      [
        'abbreviated filter, CR after the keyword',
        Buffer.concat([
          Buffer.from('5 0 obj <</Type/ObjStm/N 1/First 4/Filter/Fl>> stream\r', 'latin1'),
          packed,
          Buffer.from('\rendstream endobj\n'),
        ]),
      ],
      ['no /Type, only /N and /First', streamObject(5, '/N 1/First 4/Filter/FlateDecode', packed)],
      [
        'the word stream inside the dictionary',
        streamObject(5, '/Type/ObjStm(stream)/N 1/First 4(stream)/Filter/FlateDecode', packed),
      ],
      [
        'an endstream planted in the data',
        streamObject(5, '/Type/ObjStm/N 1/First 4/Filter/FlateDecode', plantedZlib),
      ],
    ] as const) {
      const pdf = minimalPdf(undefined, { catalog: '/OpenAction 4 0 R', objects: [object] });
      expect(pdf.includes('JavaScript'), why).toBe(false);
      expect(refusalError(pdf).message, why).toContain('JavaScript');
    }
  });

  it('does not inflate page content or pictures, and passes a large PDF of them', () => {
    const noise = Buffer.alloc(12 * 2 ** 20);
    for (let i = 0; i < noise.length; i += 1) noise[i] = (i * 2654435761) >>> 24;
    const picture = streamObject(
      5,
      '/Type/XObject/Subtype/Image/Width 2048/Height 2048/BitsPerComponent 8/ColorSpace/DeviceRGB/Filter/FlateDecode',
      deflateSync(noise, { level: 1 }),
    );
    expect(() => validatePdfFacsimile(minimalPdf(undefined, { objects: [picture] }), place)).not.toThrow();
  });

  it('refuses an object stream it cannot read rather than publishing it unchecked', () => {
    const pdf = minimalPdf(undefined, {
      objects: [
        streamObject(5, '/Type/ObjStm/N 1/First 4/Filter/LZWDecode', Buffer.from([0x80, 0x0b, 0x60, 0x50])),
      ],
    });
    expect(refusalError(pdf).message).toMatch(/^the PDF cannot be checked: /);
    const bomb = deflateSync(Buffer.alloc(17 * 2 ** 20, 0x20));
    expect(
      refusal(
        minimalPdf(undefined, {
          objects: [streamObject(5, '/Type/ObjStm/N 1/First 4/Filter/FlateDecode', bomb)],
        }),
      ),
    ).toBe('unsupported-pdf');
  });

  it('refuses launch actions and embedded files', () => {
    expect(
      refusalError(minimalPdf(undefined, { catalog: '/OpenAction<</S/Launch/F(cmd.exe)>>' })).message,
    ).toContain('launches a program');
    expect(
      refusalError(
        minimalPdf(undefined, {
          catalog: '/Names<</EmbeddedFiles<</Names[(a.exe) 4 0 R]>>>>',
          objects: [
            '4 0 obj <</Type/Filespec/EF<</F 6 0 R>>>> endobj\n6 0 obj <</Type/EmbeddedFile>> endobj\n',
          ],
        }),
      ).message,
    ).toContain('an embedded file');
  });

  it('refuses an encrypted PDF: readers would need its password', () => {
    const pdf = minimalPdf(undefined, {
      objects: [
        '4 0 obj <</Filter/Standard/V 2/R 3/O(xxxxxxxxxxxxxxxx)/U(xxxxxxxxxxxxxxxx)/P -1340>> endobj\n',
      ],
      trailer: '/Encrypt 4 0 R/ID[<00112233445566778899aabbccddeeff><00112233445566778899aabbccddeeff>]',
    });
    const error = refusalError(pdf);
    expect([error.code, error.message]).toEqual([
      'unsupported-pdf',
      'the PDF is encrypted (a password or permission settings); export the page without security',
    ]);
  });

  it('refuses a page whose embedded photo carries its GPS position, in EXIF or XMP', async () => {
    const photo = (exif: Record<string, Record<string, string>>) =>
      sharp({ create: { width: 32, height: 24, channels: 3, background: { r: 90, g: 120, b: 60 } } })
        .withExif(exif)
        .jpeg()
        .toBuffer();
    const image = (jpeg: Buffer) =>
      streamObject(
        5,
        '/Type/XObject/Subtype/Image/Width 32/Height 24/BitsPerComponent 8/ColorSpace/DeviceRGB/Filter/DCTDecode',
        jpeg,
      );
    const located = await photo({
      IFD0: { Make: 'TestCam' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '28/1 57/1 0/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '118/1 52/1 0/1',
      },
    });
    expect(refusalError(minimalPdf(undefined, { objects: [image(located)] })).message).toBe(
      'a picture in the PDF carries the GPS position where it was taken; export the page with picture metadata removed',
    );
    const xmp =
      '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description exif:GPSLatitude="28,57.5N"/></x:xmpmeta>';
    expect(
      refusal(
        minimalPdf(undefined, { objects: [streamObject(6, '/Type/Metadata/Subtype/XML', Buffer.from(xmp))] }),
      ),
    ).toBe('unsupported-pdf');
    // EXIF without a position, and XMP that only names the property, are ordinary.
    const unlocated = await photo({ IFD0: { Make: 'TestCam', Model: 'No GPS' } });
    const emptyXmp = '<rdf:Description exif:GPSLatitude=""/>';
    expect(() =>
      validatePdfFacsimile(
        minimalPdf(undefined, {
          objects: [image(unlocated), streamObject(6, '/Type/Metadata/Subtype/XML', Buffer.from(emptyXmp))],
        }),
        place,
      ),
    ).not.toThrow();
  });
});
