import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { InvalidUploadError } from '../../shared/errors.ts';
import {
  type ImageLimits,
  type ProcessedImage,
  processFacsimileImage,
  processPhoto,
} from '../../shared/media/process-image.ts';
import {
  adobeRgbProfile,
  commentSegment,
  containsText,
  heicHeader,
  iccSegment,
  iptcSegment,
  srgbToAdobeRgb,
  withJpegSegments,
} from './crafted-bytes.ts';
import { flat, near, photoLikeJpeg, photoLikePixels, pixelAt } from './generated-pictures.ts';

/**
 * Hostile and unusual uploads (issue 11): each one either publishes a correct set of renditions
 * or is refused with an InvalidUploadError naming the problem — never another error, never a
 * leak of the upload's metadata.
 */

const outcome = async (promise: Promise<ProcessedImage>) => {
  try {
    return { result: await promise };
  } catch (error) {
    if (error instanceof InvalidUploadError) return { refused: error };
    throw error;
  }
};

const refusal = async (promise: Promise<ProcessedImage>) => {
  const { refused } = await outcome(promise);
  if (refused === undefined) throw new Error('expected the picture to be refused');
  return refused;
};

/** Every rendition's real format and size agree with what the rendition says. */
const expectHonestRenditions = async (result: ProcessedImage) => {
  for (const rendition of result.renditions) {
    const meta = await sharp(rendition.bytes).metadata();
    expect([meta.format, meta.width, meta.height, meta.space, meta.depth]).toEqual([
      rendition.format,
      rendition.width,
      rendition.height,
      'srgb',
      'uchar',
    ]);
    expect(rendition.width).toBeGreaterThan(0);
    expect(rendition.height).toBeGreaterThan(0);
  }
};

const rgb = (r: number, g: number, b: number) => ({ r, g, b });

describe('colour: every rendition is 8-bit sRGB with the colours the upload shows', () => {
  it('converts an Adobe RGB JPEG to sRGB and leaves no profile behind', async () => {
    const wanted = [200, 100, 50];
    const stored = srgbToAdobeRgb(wanted);
    // The fixture's numbers differ from sRGB's: publishing them unconverted would fail below.
    expect(near(stored, wanted, 10)).toBe(false);
    const plain = await flat(64, 64, rgb(stored[0]!, stored[1]!, stored[2]!))
      .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
      .toBuffer();
    const input = withJpegSegments(plain, iccSegment(adobeRgbProfile()));
    expect((await sharp(input).metadata()).icc).toBeDefined();

    const result = await processPhoto(input);
    await expectHonestRenditions(result);
    for (const rendition of result.renditions) {
      expect((await sharp(rendition.bytes).metadata()).icc).toBeUndefined();
      const pixel = await pixelAt(rendition.bytes, 10, 10);
      expect(near(pixel, wanted, 5), `${rendition.key}: ${pixel}`).toBe(true);
    }
  });

  it('publishes a grayscale JPEG as sRGB grey', async () => {
    const input = await flat(80, 60, rgb(90, 90, 90))
      .toColourspace('b-w')
      .jpeg()
      .toBuffer();
    expect((await sharp(input).metadata()).channels).toBe(1);
    const result = await processPhoto(input);
    await expectHonestRenditions(result);
    expect(near(await pixelAt(result.renditions[0]!.bytes, 40, 30), [90, 90, 90], 3)).toBe(true);
  });

  it('publishes a progressive JPEG like a baseline one', async () => {
    const input = await (await photoLikePixels(900, 600, 21)).jpeg({ progressive: true }).toBuffer();
    const result = await processPhoto(input);
    await expectHonestRenditions(result);
    expect(result.renditions.map((r) => [r.width, r.height])).toEqual([
      [900, 600],
      [900, 600],
      [400, 267],
      [400, 267],
    ]);
  });

  it('flattens half-transparent black onto white, never onto black, in JPEG and WebP', async () => {
    const input = await flat(64, 64, { r: 0, g: 0, b: 0, alpha: 0.5 }).png().toBuffer();
    const result = await processPhoto(input);
    await expectHonestRenditions(result);
    for (const rendition of result.renditions) {
      expect((await sharp(rendition.bytes).metadata()).hasAlpha, rendition.key).toBe(false);
      const pixel = await pixelAt(rendition.bytes, 20, 20);
      expect(near(pixel, [128, 128, 128], 4), `${rendition.key}: ${pixel}`).toBe(true);
    }
  });

  it('flattens a transparent palette PNG onto white and keeps its opaque colours', async () => {
    // Top half transparent, bottom half opaque blue; probed away from the edge JPEG blurs.
    const half = Buffer.alloc(48 * 48 * 4);
    for (let i = 0; i < half.length; i += 4)
      half.set(i < half.length / 2 ? [0, 0, 0, 0] : [20, 40, 200, 255], i);
    const input = await sharp(half, { raw: { width: 48, height: 48, channels: 4 } })
      .png({ palette: true, colours: 4 })
      .toBuffer();
    const meta = await sharp(input).metadata();
    expect([meta.isPalette, meta.hasAlpha]).toEqual([true, true]);
    const result = await processPhoto(input);
    await expectHonestRenditions(result);
    const large = result.renditions[0]!.bytes;
    expect(near(await pixelAt(large, 20, 4), [255, 255, 255], 3)).toBe(true);
    expect(near(await pixelAt(large, 20, 44), [20, 40, 200], 12)).toBe(true);
  });

  it('reduces a 16-bit PNG with alpha to 8-bit sRGB on white', async () => {
    const input = await flat(48, 48, { r: 200, g: 40, b: 40, alpha: 1 })
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    const meta = await sharp(input).metadata();
    expect([meta.depth, meta.hasAlpha]).toEqual(['ushort', true]);
    const result = await processPhoto(input);
    await expectHonestRenditions(result);
    expect(near(await pixelAt(result.renditions[0]!.bytes, 5, 5), [200, 40, 40], 4)).toBe(true);
  });

  it('publishes a JPEG whose embedded ICC profile is garbage, or refuses it as corrupt', async () => {
    const plain = await flat(32, 32, rgb(10, 200, 10))
      .jpeg()
      .toBuffer();
    const input = withJpegSegments(plain, iccSegment(Buffer.alloc(300, 0x5a)));
    const { result, refused } = await outcome(processPhoto(input));
    if (refused) expect(refused.code).toBe('corrupt-image');
    else await expectHonestRenditions(result!);
  });
});

/** Display size 320 × 240, in four quadrants: red, green / blue, white. */
const quadrantColours = [
  [220, 30, 30],
  [30, 200, 30],
  [30, 30, 220],
  [250, 250, 250],
];

/**
 * The pixels a camera stores for a display picture of `width × height` under EXIF `orientation`:
 * the inverse of what the viewer is told to apply (EXIF 2.3, tag 0x0112: where stored row 0 and
 * column 0 belong on screen). Orientations 5–8 store the picture with width and height swapped.
 */
const storedForOrientation = (orientation: number, width: number, height: number) => {
  const turned = orientation >= 5;
  const [sw, sh] = turned ? [height, width] : [width, height];
  const pixels = Buffer.alloc(sw * sh * 3);
  for (let y = 0; y < sh; y += 1) {
    for (let x = 0; x < sw; x += 1) {
      const [dx, dy] = (
        {
          1: [x, y],
          2: [width - 1 - x, y],
          3: [width - 1 - x, height - 1 - y],
          4: [x, height - 1 - y],
          5: [y, x],
          6: [width - 1 - y, x],
          7: [width - 1 - y, height - 1 - x],
          8: [y, height - 1 - x],
        } as Record<number, [number, number]>
      )[orientation]!;
      const quadrant = (dx < width / 2 ? 0 : 1) + (dy < height / 2 ? 0 : 2);
      pixels.set(quadrantColours[quadrant]!, (y * sw + x) * 3);
    }
  }
  return sharp(pixels, { raw: { width: sw, height: sh, channels: 3 } });
};

describe('EXIF orientation 1–8', () => {
  for (const orientation of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`shows orientation ${orientation} upright: size and every quadrant in place`, async () => {
      const input = await storedForOrientation(orientation, 320, 240)
        .jpeg({ quality: 95 })
        .withMetadata({ orientation })
        .toBuffer();
      expect((await sharp(input).metadata()).orientation).toBe(orientation);
      const result = await processPhoto(input);
      expect(result.source).toMatchObject({ width: 320, height: 240 });
      await expectHonestRenditions(result);
      for (const rendition of result.renditions) {
        const { width, height } = rendition;
        expect(width / height).toBeCloseTo(320 / 240, 1);
        expect((await sharp(rendition.bytes).metadata()).orientation).toBeUndefined();
        const probes = [
          [width / 4, height / 4],
          [(3 * width) / 4, height / 4],
          [width / 4, (3 * height) / 4],
          [(3 * width) / 4, (3 * height) / 4],
        ];
        for (const [i, [x, y]] of probes.entries()) {
          const pixel = await pixelAt(rendition.bytes, Math.floor(x!), Math.floor(y!));
          expect(near(pixel, quadrantColours[i]!, 30), `${rendition.key} quadrant ${i}: ${pixel}`).toBe(true);
        }
      }
    });
  }

  it('resizes after turning: a sideways 1600 × 2000 upload is a 1200 × 960 large rendition', async () => {
    const input = await (await photoLikePixels(1600, 2000, 4))
      .jpeg()
      .withMetadata({ orientation: 8 })
      .toBuffer();
    const result = await processPhoto(input);
    expect(result.source).toMatchObject({ width: 2000, height: 1600 });
    expect(result.renditions.map((r) => [r.role, r.width, r.height])).toEqual([
      ['large', 1200, 960],
      ['large', 1200, 960],
      ['thumbnail', 400, 320],
      ['thumbnail', 400, 320],
    ]);
  });
});

describe('formats named by their bytes, not their file name', () => {
  const limits: ImageLimits = { maxBytes: 5 * 2 ** 20, maxPixels: 4_000_000 };

  it('refuses an animated WebP instead of publishing whichever frame comes first', async () => {
    const frames = await Promise.all(
      [rgb(250, 250, 250), rgb(200, 20, 20)].map((c) => flat(64, 48, c).png().toBuffer()),
    );
    const animated = await sharp(frames, { join: { animated: true } })
      .webp()
      .toBuffer();
    expect((await sharp(animated).metadata()).pages).toBe(2);
    const error = await refusal(processPhoto(animated, limits));
    expect(error.code).toBe('unsupported-image');
    expect(error.message).toContain('animated');
    // One frame of it is an ordinary WebP.
    const still = await flat(64, 48, rgb(200, 20, 20))
      .webp()
      .toBuffer();
    expect((await processPhoto(still, limits)).renditions).toHaveLength(4);
  });

  it('refuses a GIF, an AVIF and a HEIC file whatever they are named', async () => {
    const gif = await sharp(
      await Promise.all([rgb(1, 2, 3), rgb(9, 9, 9)].map((c) => flat(16, 16, c).png().toBuffer())),
      { join: { animated: true } },
    )
      .gif()
      .toBuffer();
    const avif = await flat(16, 16, rgb(9, 9, 9))
      .avif()
      .toBuffer();
    for (const [bytes, name] of [
      [gif, 'GIF'],
      [avif, 'AVIF'],
      [heicHeader(), 'HEIC'],
    ] as const) {
      const error = await refusal(processPhoto(bytes, limits));
      expect([error.code, error.message.includes(name)], name).toEqual(['unsupported-image', true]);
    }
  });

  it('refuses SVG behind a byte order mark, blank lines, a comment or a doctype', async () => {
    for (const svg of [
      '\uFEFF\n\n   <svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
      '\r\n\t<?xml version="1.0" encoding="UTF-8"?>\r\n<!-- x -->\r\n<svg><image href="http://x.invalid/a.png"/></svg>',
      '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<svg>&x;</svg>',
    ]) {
      const error = await refusal(processPhoto(Buffer.from(svg), limits));
      expect(error.code, JSON.stringify(svg)).toBe('svg-image');
    }
  });

  it('refuses UTF-16 SVG as no picture before any decoder sees it', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<svg/>', 'utf16le')]);
    expect((await refusal(processPhoto(utf16, limits))).code).toBe('not-an-image');
  });

  it('refuses a zero-byte file', async () => {
    const error = await refusal(processPhoto(new Uint8Array(0), limits));
    expect([error.code, error.message]).toEqual(['empty', 'the picture is empty']);
  });

  it('refuses a JPEG cut anywhere, baseline or progressive, as corrupt', async () => {
    for (const progressive of [false, true]) {
      const whole = await (await photoLikePixels(640, 480, 13)).jpeg({ progressive }).toBuffer();
      for (const cut of [
        3,
        4,
        20,
        150,
        400,
        Math.floor(whole.length / 3),
        whole.length - 10,
        whole.length - 2,
      ]) {
        const error = await refusal(processPhoto(whole.subarray(0, cut), limits));
        expect(error.code, `${progressive ? 'progressive' : 'baseline'} cut at ${cut}`).toBe('corrupt-image');
      }
    }
  });

  it('refuses a PNG cut short in its pixel data', async () => {
    const whole = await (await photoLikePixels(300, 200, 2)).png().toBuffer();
    for (const cut of [9, 33, 100, Math.floor(whole.length / 2), whole.length - 40]) {
      expect((await refusal(processPhoto(whole.subarray(0, cut), limits))).code, `cut at ${cut}`).toBe(
        'corrupt-image',
      );
    }
  });

  it('publishes a PNG that lost only its closing IEND chunk: every pixel is there', async () => {
    const whole = await flat(300, 200, rgb(30, 60, 90))
      .png()
      .toBuffer();
    const result = await processPhoto(whole.subarray(0, whole.length - 12), limits);
    expect(near(await pixelAt(result.renditions[0]!.bytes, 299, 199), [30, 60, 90], 3)).toBe(true);
  });

  it('publishes the picture of a JPEG/ZIP polyglot and none of the archive', async () => {
    const jpeg = await photoLikeJpeg(500, 300, 17);
    const zip = Buffer.concat([
      Buffer.from('PK\x03\x04\x14\0\0\0\0\0', 'latin1'),
      Buffer.from('payload.sh #!/bin/sh rm -rf /'),
      Buffer.from('PK\x05\x06', 'latin1'),
      Buffer.alloc(18),
    ]);
    const result = await processPhoto(Buffer.concat([jpeg, zip]), limits);
    await expectHonestRenditions(result);
    for (const rendition of result.renditions) {
      for (const text of ['PK\x03\x04', 'PK\x05\x06', 'payload', '/bin/sh'])
        expect(containsText(rendition.bytes, text), `${rendition.key} ${text}`).toBe(false);
    }
  });
});

describe('metadata: nothing of the upload but its pixels reaches any rendition', () => {
  const serial = 'SN-4711-0815';
  const leaks = [
    'Exif',
    'GPS',
    'http://ns.adobe.com/xap',
    'xmpmeta',
    '8BIM',
    'Photoshop',
    serial,
    '28.95',
    '衢州',
  ];
  const xmp =
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
    '<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:exif="http://ns.adobe.com/exif/1.0/" ' +
    `xmlns:aux="http://ns.adobe.com/exif/1.0/aux/" aux:SerialNumber="${serial}" ` +
    'exif:GPSLatitude="28.95N" exif:GPSLongitude="118.87E" xmp:CreatorTool="衢州"/></rdf:RDF></x:xmpmeta>';
  const exif = {
    IFD0: { Make: 'TestCam', Model: 'GPS-Cam 1', Artist: 'Reporter' },
    IFD2: { BodySerialNumber: serial },
    IFD3: {
      GPSLatitudeRef: 'N',
      GPSLatitude: '28/1 57/1 0/1',
      GPSLongitudeRef: 'E',
      GPSLongitude: '118/1 52/1 0/1',
    },
  };

  const expectNoMetadata = async (result: ProcessedImage) => {
    for (const rendition of result.renditions) {
      const meta = await sharp(rendition.bytes).metadata();
      expect([meta.exif, meta.xmp, meta.iptc, meta.icc, meta.comments], rendition.key).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
      for (const text of leaks)
        expect(containsText(rendition.bytes, text), `${rendition.key}: ${text}`).toBe(false);
    }
  };

  it('strips EXIF (GPS, body serial), XMP, IPTC and comments from a JPEG', async () => {
    const withExif = await (await photoLikePixels(700, 500, 31))
      .withExif(exif)
      .withXmp(xmp)
      .jpeg()
      .toBuffer();
    const input = withJpegSegments(
      withExif,
      iptcSegment([
        { tag: 80, text: 'Reporter' },
        { tag: 90, text: '衢州' },
        { tag: 116, text: serial },
      ]),
      commentSegment(`GPS 28.95N 118.87E ${serial}`),
    );
    const inputMeta = await sharp(input).metadata();
    expect([inputMeta.exif, inputMeta.xmp, inputMeta.iptc].every((m) => m !== undefined)).toBe(true);
    for (const text of leaks) expect(containsText(input, text), `fixture carries ${text}`).toBe(true);
    await expectNoMetadata(await processPhoto(input));
  });

  it('strips EXIF and XMP from PNG and WebP uploads', async () => {
    const pixels = await photoLikePixels(300, 200, 32);
    for (const format of ['png', 'webp'] as const) {
      const input = await pixels.clone().withExif(exif).withXmp(xmp).toFormat(format).toBuffer();
      const inputMeta = await sharp(input).metadata();
      expect(
        [inputMeta.exif, inputMeta.xmp].every((m) => m !== undefined),
        format,
      ).toBe(true);
      expect(containsText(input, 'GPS'), format).toBe(true);
      await expectNoMetadata(await processPhoto(input));
    }
  });

  it('strips them from page images too', async () => {
    const input = await (await photoLikePixels(600, 900, 33)).withExif(exif).withXmp(xmp).jpeg().toBuffer();
    await expectNoMetadata(await processFacsimileImage(input));
  });
});

describe('sizes at the edges', () => {
  it('publishes a 1 × 1 picture as 1 × 1 renditions', async () => {
    const result = await processPhoto(
      await flat(1, 1, rgb(1, 2, 3))
        .png()
        .toBuffer(),
    );
    await expectHonestRenditions(result);
    expect(result.renditions.map((r) => [r.width, r.height])).toEqual([
      [1, 1],
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
  });

  it('gives a 12000 × 300 panorama a 1200 px large and a 400 px thumbnail, none of zero height', async () => {
    const result = await processPhoto(
      await flat(12000, 300, rgb(40, 90, 160))
        .jpeg()
        .toBuffer(),
    );
    await expectHonestRenditions(result);
    expect(result.renditions.map((r) => [r.role, r.width, r.height])).toEqual([
      ['large', 1200, 30],
      ['large', 1200, 30],
      ['thumbnail', 400, 10],
      ['thumbnail', 400, 10],
    ]);
  });

  it('keeps a one-pixel line at least one pixel high or wide', async () => {
    const line = await processPhoto(
      await flat(20000, 1, rgb(1, 2, 3))
        .png()
        .toBuffer(),
    );
    expect(line.renditions.map((r) => [r.width, r.height])).toContainEqual([400, 1]);
    expect(line.renditions.every((r) => r.height === 1)).toBe(true);
  });

  it('publishes a 600 × 16400 long picture (长图) as JPEG alone: taller than WebP can be', async () => {
    const result = await processPhoto(
      await flat(600, 16400, rgb(200, 200, 190))
        .png()
        .toBuffer(),
    );
    await expectHonestRenditions(result);
    expect(result.renditions.map((r) => [r.role, r.format, r.width, r.height])).toEqual([
      ['large', 'jpeg', 600, 16400],
      ['thumbnail', 'jpeg', 15, 400],
    ]);
  });

  it('publishes a 1 × 20000 line standing up, or refuses it with a reason', async () => {
    const { result, refused } = await outcome(
      processPhoto(
        await flat(1, 20000, rgb(1, 2, 3))
          .png()
          .toBuffer(),
      ),
    );
    if (refused) expect(refused.code).toBe('unsupported-image');
    else await expectHonestRenditions(result!);
  });

  it('refuses a picture whose rendition would be taller than JPEG can hold', async () => {
    const error = await refusal(
      processPhoto(
        await flat(100, 70000, rgb(1, 2, 3))
          .png()
          .toBuffer(),
      ),
    );
    expect(error.code).toBe('unsupported-image');
    expect(error.message).toContain('70000');
  });

  for (const format of ['jpeg', 'png'] as const) {
    it(`accepts a ${format} of exactly the pixel limit and refuses one pixel row more`, async () => {
      const limits: ImageLimits = { maxBytes: 2 ** 24, maxPixels: 1500 * 1000 };
      const at = await flat(1500, 1000, rgb(5, 6, 7))
        .toFormat(format)
        .toBuffer();
      expect((await processPhoto(at, limits)).renditions[0]).toMatchObject({ width: 1200, height: 800 });
      const over = await flat(1500, 1001, rgb(5, 6, 7))
        .toFormat(format)
        .toBuffer();
      expect((await refusal(processPhoto(over, limits))).code).toBe('too-many-pixels');
    });
  }
});
