import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidUploadError } from '../../shared/errors.ts';
import {
  defaultImageLimits,
  type ImageLimits,
  type ProcessedImage,
  processFacsimileImage,
  processPhoto,
} from '../../shared/media/process-image.ts';
import { inputPrefix } from '../../shared/site-layout.ts';
import {
  flat,
  jpegSegments,
  near,
  photoLikeJpeg,
  photoLikePixels,
  pixelAt,
  pngBomb,
  twoHalves,
  webpChunks,
} from './generated-pictures.ts';

const rejection = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof InvalidUploadError) return error;
    throw error;
  }
  throw new Error('expected the picture to be refused');
};

describe('processPhoto renditions', () => {
  let landscape: Buffer;
  let result: ProcessedImage;
  beforeAll(async () => {
    landscape = await photoLikeJpeg(1600, 1200, 7);
    result = await processPhoto(landscape);
  });

  it('writes a 1200 px large and a 400 px thumbnail, each as JPEG and WebP', () => {
    expect(result.renditions.map((r) => [r.role, r.format, r.width, r.height])).toEqual([
      ['large', 'jpeg', 1200, 900],
      ['large', 'webp', 1200, 900],
      ['thumbnail', 'jpeg', 400, 300],
      ['thumbnail', 'webp', 400, 300],
    ]);
    expect(result.source).toEqual({
      format: 'jpeg',
      width: 1600,
      height: 1200,
      byteLength: landscape.length,
    });
  });

  it('states width, height and type that the bytes really have', async () => {
    for (const rendition of result.renditions) {
      const meta = await sharp(rendition.bytes).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual([
        rendition.format,
        rendition.width,
        rendition.height,
      ]);
      expect(rendition.contentType).toBe(rendition.format === 'jpeg' ? 'image/jpeg' : 'image/webp');
    }
  });

  it('names each rendition by the sha256 of its own bytes under media/, cached for a year', () => {
    for (const rendition of result.renditions) {
      const digest = createHash('sha256').update(rendition.bytes).digest('hex').slice(0, 16);
      const extension = rendition.format === 'jpeg' ? 'jpg' : 'webp';
      expect(rendition.key).toBe(`media/${digest}/${rendition.width}.${extension}`);
      expect(rendition.key.startsWith(inputPrefix)).toBe(false);
      expect(rendition.cacheControl).toBe('public, max-age=31536000, immutable');
    }
    expect(new Set(result.renditions.map((r) => r.key)).size).toBe(4);
  });

  it('runs libvips with no operation cache and one thread per picture', () => {
    expect(sharp.cache().memory.max).toBe(0);
    expect(sharp.cache().items.max).toBe(0);
    expect(sharp.concurrency()).toBe(1);
  });

  it('writes the same bytes for the same picture', async () => {
    const again = await processPhoto(landscape);
    expect(again.renditions.map((r) => r.key)).toEqual(result.renditions.map((r) => r.key));
    expect(Buffer.from(again.renditions[0]!.bytes).equals(Buffer.from(result.renditions[0]!.bytes))).toBe(
      true,
    );
  });

  it('fits a portrait thumbnail inside 400 × 400 and keeps the large 1200 px wide', async () => {
    const portrait = await processPhoto(await photoLikeJpeg(1500, 2000, 3));
    expect(portrait.renditions.map((r) => [r.role, r.width, r.height])).toContainEqual(['large', 1200, 1600]);
    expect(portrait.renditions.map((r) => [r.role, r.width, r.height])).toContainEqual([
      'thumbnail',
      300,
      400,
    ]);
  });

  it('never enlarges a small picture', async () => {
    const small = await processPhoto(await flat(300, 200, { r: 10, g: 120, b: 200 }).jpeg().toBuffer());
    expect(small.renditions.map((r) => [r.width, r.height])).toEqual([
      [300, 200],
      [300, 200],
      [300, 200],
      [300, 200],
    ]);
  });
});

describe('processPhoto metadata', () => {
  it('publishes a JPEG carrying GPS in EXIF and XMP without any of it', async () => {
    const xmp =
      '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
      '<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="28,57.5N" ' +
      'exif:GPSLongitude="118,52.0E"/></rdf:RDF></x:xmpmeta>';
    const input = await (await photoLikePixels(1400, 1000, 11))
      .withExif({
        IFD0: { Make: 'TestCam', Model: 'GPS-Cam 1' },
        IFD3: {
          GPSLatitudeRef: 'N',
          GPSLatitude: '28/1 57/1 30/1',
          GPSLongitudeRef: 'E',
          GPSLongitude: '118/1 52/1 0/1',
        },
      })
      .withXmp(xmp)
      .withIccProfile('srgb')
      .jpeg()
      .toBuffer();
    // The fixture really carries what must be removed.
    const inputMeta = await sharp(input).metadata();
    expect(inputMeta.exif).toBeDefined();
    expect(inputMeta.xmp).toBeDefined();
    expect(inputMeta.icc).toBeDefined();
    expect(input.includes('GPS')).toBe(true);
    expect(input.includes('Exif')).toBe(true);

    const result = await processPhoto(input);
    for (const rendition of result.renditions) {
      const meta = await sharp(rendition.bytes).metadata();
      expect([meta.exif, meta.xmp, meta.iptc, meta.icc]).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
      const bytes = Buffer.from(rendition.bytes);
      for (const text of ['GPS', 'Exif', 'xmpmeta', 'TestCam', 'ICC_PROFILE'])
        expect(bytes.includes(text)).toBe(false);
      if (rendition.format === 'jpeg') {
        // Tables and the frame only: no APP1 (EXIF/XMP), APP2 (ICC), APP13 (IPTC), comment.
        const segments = jpegSegments(rendition.bytes);
        expect(segments).toContain('SOF0');
        expect(segments.filter((s) => s.startsWith('APP') || s === 'COM')).toEqual([]);
      } else {
        expect(webpChunks(rendition.bytes)).toEqual(['VP8 ']);
      }
    }
  });

  it('applies the EXIF orientation: a picture taken sideways is published upright', async () => {
    // Stored 300 × 200, red left and blue right; orientation 6 = turn 90° clockwise to display.
    const input = await twoHalves(300, 200, [220, 20, 20], [20, 20, 220])
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect((await sharp(input).metadata()).orientation).toBe(6);
    const result = await processPhoto(input);
    expect(result.source).toMatchObject({ width: 200, height: 300 });
    const large = result.renditions[0]!;
    expect([large.width, large.height]).toEqual([200, 300]);
    expect(near(await pixelAt(large.bytes, 100, 30), [220, 20, 20], 30)).toBe(true);
    expect(near(await pixelAt(large.bytes, 100, 270), [20, 20, 220], 30)).toBe(true);
    expect((await sharp(large.bytes).metadata()).orientation).toBeUndefined();
  });

  it('converts a CMYK JPEG to sRGB', async () => {
    const input = await flat(64, 64, { r: 200, g: 100, b: 50 }).toColourspace('cmyk').jpeg().toBuffer();
    const inputMeta = await sharp(input).metadata();
    expect([inputMeta.space, inputMeta.channels]).toEqual(['cmyk', 4]);
    const large = (await processPhoto(input)).renditions[0]!;
    const meta = await sharp(large.bytes).metadata();
    expect([meta.space, meta.channels]).toEqual(['srgb', 3]);
    // libvips' colour-managed reading of the same file is the reference (CMYK → sRGB goes
    // through ICC profiles, not a formula a test can restate); the colour stays an orange.
    const reference = await sharp(input).toColourspace('srgb').raw().toBuffer();
    const pixel = await pixelAt(large.bytes, 32, 32);
    expect(
      near(pixel, [...reference.subarray(0, 3)], 3),
      `${pixel} vs ${[...reference.subarray(0, 3)]}`,
    ).toBe(true);
    expect(pixel[0]! > pixel[1]! && pixel[1]! > pixel[2]!).toBe(true);
  });

  it('converts a Display-P3 picture to sRGB instead of publishing P3 numbers as sRGB', async () => {
    // sRGB (200, 100, 50) is P3 (187, 107, 62): CSS Color 4 matrices, sRGB transfer curve.
    const encode = (v: number) =>
      Math.round(255 * (v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055));
    const decode = (c: number) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
    const [r, g, b] = [200, 100, 50].map(decode) as [number, number, number];
    const p3 = [
      0.8224621 * r + 0.177538 * g,
      0.0331941 * r + 0.9668058 * g,
      0.0170827 * r + 0.0723974 * g + 0.9105199 * b,
    ].map(encode);

    const input = await flat(64, 64, { r: 200, g: 100, b: 50 })
      .withIccProfile('p3')
      .jpeg({ quality: 100 })
      .toBuffer();
    const stored = await sharp(input, { ignoreIcc: true }).raw().toBuffer();
    expect(near([...stored.subarray(0, 3)], p3, 3), `stored ${[...stored.subarray(0, 3)]} vs ${p3}`).toBe(
      true,
    );

    const large = (await processPhoto(input)).renditions[0]!;
    expect((await sharp(large.bytes).metadata()).hasProfile).toBe(false);
    const pixel = await pixelAt(large.bytes, 32, 32);
    expect(near(pixel, [200, 100, 50], 3), String(pixel)).toBe(true);
  });

  it('reduces a 16-bit PNG to 8-bit sRGB with its colours', async () => {
    const input = await flat(64, 64, { r: 30, g: 160, b: 90 }).toColourspace('rgb16').png().toBuffer();
    expect((await sharp(input).metadata()).depth).toBe('ushort');
    const result = await processPhoto(input);
    expect(result.source.format).toBe('png');
    const large = result.renditions[0]!;
    expect((await sharp(large.bytes).metadata()).depth).toBe('uchar');
    expect(near(await pixelAt(large.bytes, 10, 10), [30, 160, 90], 4)).toBe(true);
  });

  it('puts transparent pixels on white, as on the printed page', async () => {
    const input = await flat(64, 64, { r: 0, g: 0, b: 0, alpha: 0 }).png().toBuffer();
    const large = (await processPhoto(input)).renditions[0]!;
    expect(near(await pixelAt(large.bytes, 5, 5), [255, 255, 255], 2)).toBe(true);
  });
});

describe('processPhoto refusals', () => {
  const limits: ImageLimits = { maxBytes: 5 * 2 ** 20, maxPixels: 4_000_000 };

  it('refuses text named like a picture', async () => {
    const error = await rejection(processPhoto(Buffer.from('古城韵味 大美衢州\n记者 刘芸 摄\n'), limits));
    expect(error.code).toBe('not-an-image');
  });

  it('refuses an empty file', async () => {
    expect((await rejection(processPhoto(new Uint8Array(0), limits))).code).toBe('empty');
  });

  it('refuses a truncated JPEG', async () => {
    const whole = await photoLikeJpeg(800, 600, 5);
    const error = await rejection(processPhoto(whole.subarray(0, Math.floor(whole.length * 0.6)), limits));
    expect(error.code).toBe('corrupt-image');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('refuses a JPEG whose header is garbage', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(400, 0x41)]);
    expect((await rejection(processPhoto(bytes, limits))).code).toBe('corrupt-image');
  });

  it('refuses SVG, with or without an XML declaration', async () => {
    const svgs = [
      '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      '\uFEFF<!-- logo -->\n<svg width="10" height="10"><rect width="10" height="10"/></svg>',
      '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd">\n<svg:svg xmlns:svg="http://www.w3.org/2000/svg"/>',
    ];
    for (const svg of svgs)
      expect((await rejection(processPhoto(Buffer.from(svg), limits))).code).toBe('svg-image');
  });

  it('refuses a decompression bomb from its header, before decoding', async () => {
    const bomb = pngBomb(30_000, 30_000);
    expect(bomb.length).toBeLessThan(100);
    const error = await rejection(processPhoto(bomb, defaultImageLimits));
    expect(error.code).toBe('too-many-pixels');
    expect(error.message).toContain('30000 × 30000');
  });

  it('refuses a real picture with more pixels than configured', async () => {
    const input = await flat(2100, 2000, { r: 1, g: 2, b: 3 }).jpeg().toBuffer();
    expect((await rejection(processPhoto(input, limits))).code).toBe('too-many-pixels');
    const allowed = await processPhoto(input, { ...limits, maxPixels: 2100 * 2000 });
    expect(allowed.renditions[0]!.width).toBe(1200);
  });

  it('refuses a file over the upload size cap before reading it', async () => {
    const input = await photoLikeJpeg(600, 400, 9);
    const error = await rejection(processPhoto(input, { ...limits, maxBytes: input.length - 1 }));
    expect(error.code).toBe('too-large');
    expect((await processPhoto(input, { ...limits, maxBytes: input.length })).renditions).toHaveLength(4);
  });

  it('names refused picture formats so the newsroom knows what to convert', async () => {
    const gif = await flat(32, 32, { r: 9, g: 9, b: 9 }).gif().toBuffer();
    const tiff = await flat(32, 32, { r: 9, g: 9, b: 9 }).tiff().toBuffer();
    for (const [bytes, name] of [
      [gif, 'GIF'],
      [tiff, 'TIFF'],
    ] as const) {
      const error = await rejection(processPhoto(bytes, limits));
      expect(error.code).toBe('unsupported-image');
      expect(error.message).toContain(name);
    }
  });

  it('refuses a PDF as a photo', async () => {
    const error = await rejection(processPhoto(Buffer.from('%PDF-1.7\n%%EOF\n'), limits));
    expect(error.code).toBe('not-an-image');
  });
});

describe('processFacsimileImage', () => {
  it('writes a 2000 px page rendition and a thumbnail inside 400 × 400, as JPEG', async () => {
    const page = await flat(2400, 3840, { r: 240, g: 236, b: 225 }).jpeg().toBuffer();
    const result = await processFacsimileImage(page);
    expect(result.renditions.map((r) => [r.role, r.format, r.width, r.height])).toEqual([
      ['page', 'jpeg', 2000, 3200],
      ['thumbnail', 'jpeg', 250, 400],
    ]);
  });

  it('refuses what a photo refuses', async () => {
    const error = await rejection(
      processFacsimileImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')),
    );
    expect(error.code).toBe('svg-image');
  });
});
