import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { MediaRendition, PageFacsimile, PublishedPhoto } from '../../shared/model/published.ts';
import { mediaKey } from '../../shared/site-layout.ts';

/**
 * Photos for renderer tests, filled in by hand as ingestion would (docs/photos.md): keys
 * `media/<16 hex>/<width>.<ext>`, a 1200 px large JPEG, a ≤ 400 px thumbnail and the WebP pair.
 * `photoJpeg` makes a real picture with sharp for tests that load it (no photograph shipped).
 */

/** 16 hex digits derived from a name, standing in for the digest of an upload's bytes. */
export const fakeDigest = (name: string) => createHash('sha256').update(name).digest('hex').slice(0, 16);

const rendition = (
  digest: string,
  width: number,
  height: number,
  type: MediaRendition['type'],
  bytes: number,
): MediaRendition => ({
  key: mediaKey(digest, `${width}.${type === 'image/jpeg' ? 'jpg' : 'webp'}`),
  type,
  width,
  height,
  bytes,
});

export interface PhotoOptions {
  caption?: string;
  credit?: { printed: string; photographers: string[] };
  /** Aspect of the picture (height per width); 0.75 = 4:3 landscape. */
  aspect?: number;
  withWebp?: boolean;
  /** Byte length of the large JPEG (the thumbnail is a tenth of it). */
  bytes?: number;
}

/** A published photo named `name` (its upload label): renditions as ingestion would record them. */
export const makePhoto = (name: string, options: PhotoOptions = {}): PublishedPhoto => {
  const digest = fakeDigest(name);
  const aspect = options.aspect ?? 0.75;
  const large = { width: 1200, height: Math.round(1200 * aspect) };
  const thumb =
    aspect > 1
      ? { width: Math.round(400 / aspect), height: 400 }
      : { width: 400, height: Math.round(400 * aspect) };
  const bytes = options.bytes ?? 141_234;
  const photo: PublishedPhoto = {
    source: `incoming/2024-11-30/01-${name}.jpg`,
    large: rendition(digest, large.width, large.height, 'image/jpeg', bytes),
    thumbnail: rendition(digest, thumb.width, thumb.height, 'image/jpeg', Math.round(bytes / 10)),
  };
  if (options.caption !== undefined) photo.caption = options.caption;
  if (options.credit !== undefined) photo.credit = options.credit;
  if (options.withWebp ?? true)
    photo.webp = {
      large: rendition(digest, large.width, large.height, 'image/webp', Math.round(bytes * 0.65)),
      thumbnail: rendition(digest, thumb.width, thumb.height, 'image/webp', Math.round(bytes / 11)),
    };
  return photo;
};

/** The front page's photo of 2024-11-30, as the page text credits it. */
export const frontPagePhoto = (): PublishedPhoto =>
  makePhoto('古城韵味', {
    caption: '古城韵味 大美衢州',
    credit: { printed: '记者 刘芸 摄', photographers: ['刘芸'] },
  });

/** A page's facsimile: the PDF as uploaded (no thumbnail) or a page image with its thumbnail. */
export const makeFacsimile = (page: number, kind: 'pdf' | 'image'): PageFacsimile => {
  const nn = String(page).padStart(2, '0');
  const digest = fakeDigest(`page-${nn}-${kind}`);
  if (kind === 'pdf')
    return {
      source: `incoming/2024-11-30/${nn}.pdf`,
      document: { key: mediaKey(digest, `2024-11-30-${nn}.pdf`), type: 'application/pdf', bytes: 2_345_678 },
    };
  return {
    source: `incoming/2024-11-30/${nn}.jpg`,
    document: {
      key: mediaKey(digest, '2000.jpg'),
      type: 'image/jpeg',
      bytes: 812_345,
      width: 2000,
      height: 2875,
    },
    thumbnail: {
      key: mediaKey(digest, '400.jpg'),
      type: 'image/jpeg',
      width: 278,
      height: 400,
      bytes: 31_234,
    },
  };
};

/**
 * A real JPEG of the given size: a smooth gradient with a dark band, so a screenshot shows
 * where it landed. Deterministic (same size, same bytes).
 */
export const photoJpeg = async (width: number, height: number): Promise<Buffer> => {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y += 1)
    for (let x = 0; x < width; x += 1) {
      const i = (y * width + x) * 3;
      const band = Math.abs(y - height / 2) < height / 12;
      pixels[i] = band ? 40 : Math.round((255 * x) / width);
      pixels[i + 1] = band ? 40 : Math.round((255 * y) / height);
      pixels[i + 2] = band ? 40 : 160;
    }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 80 })
    .toBuffer();
};
