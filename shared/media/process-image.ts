import type { Metadata } from 'sharp';
import { type InvalidUploadCode, InvalidUploadError } from '../errors.ts';
import { mediaKey, objectPolicy } from '../site-layout.ts';
import { defaultImageLimits, type ImageLimits } from './image-limits.ts';
import { mediaDigest } from './media-digest.ts';
import { loadSharp, type Sharp } from './sharp-tuning.ts';
import { type AcceptedImageFormat, isAcceptedImageFormat, sniffFormat } from './sniff-format.ts';

/**
 * Photos and page images: validate an upload and write its renditions (docs/photos.md).
 *
 * Every picture is decoded once, at the size of its largest rendition (libjpeg shrinks while it
 * decodes), through libvips: EXIF orientation applied, ICC/CMYK/16-bit input converted to 8-bit
 * sRGB, alpha flattened on white. The encoders then see only those pixels, so no metadata of the
 * upload — EXIF with GPS position, XMP, IPTC, ICC, comments — can reach a published file.
 */

// The limits live apart from sharp, so the publish path reads them without loading libvips.
export { defaultImageLimits, type ImageLimits };

export type RenditionRole = 'large' | 'page' | 'thumbnail';
export type RenditionFormat = 'jpeg' | 'webp';

/** Which renditions to write: a wide one (fit to a width) and a thumbnail (fit in a square). */
export interface ImagePlan {
  primary: { role: 'large' | 'page'; width: number };
  thumbnail: { box: number };
  /** JPEG for every consumer (feeds, og:image); WebP beside it for pages (docs/photos.md). */
  formats: readonly RenditionFormat[];
}

/** Photos: 1200 px wide for Google Discover and share cards (og:image), thumbnails ≤ 400 px. */
export const photoPlan: ImagePlan = {
  primary: { role: 'large', width: 1200 },
  thumbnail: { box: 400 },
  formats: ['jpeg', 'webp'],
};

/**
 * Page images (版面): 2000 px wide keeps 9-point body text legible; a contents-page thumbnail.
 * JPEG only: the contents page links the JPEG and nothing shows a page in a `<picture>`.
 */
const facsimilePlan: ImagePlan = {
  primary: { role: 'page', width: 2000 },
  thumbnail: { box: 400 },
  formats: ['jpeg'],
};

/** One written file: store it under `key` with `contentType` and `cacheControl`. */
export interface Rendition {
  role: RenditionRole;
  format: RenditionFormat;
  key: string;
  contentType: string;
  cacheControl: string;
  width: number;
  height: number;
  bytes: Uint8Array;
}

export interface ProcessedImage {
  /** The upload as displayed: width and height after EXIF orientation. */
  source: { format: AcceptedImageFormat; width: number; height: number; byteLength: number };
  /**
   * Primary rendition first, then the thumbnail; within each, in the plan's format order. A
   * format that cannot hold the primary rendition (WebP beyond 16383 px) is left out of both.
   */
  renditions: Rendition[];
}

/** File extension of each rendition format (the site map gives the content type from it). */
const extensions: Record<RenditionFormat, string> = {
  jpeg: 'jpg',
  webp: 'webp',
};
/**
 * Encoder settings are written out although they equal sharp's defaults: they decide the output
 * bytes, hence the content-addressed keys, and must not move when a sharp release moves a default.
 */
const jpegOptions = { quality: 80, progressive: false, chromaSubsampling: '4:2:0', mozjpeg: false } as const;
const webpOptions = { quality: 80, effort: 4, smartSubsample: false } as const;
/** The longest side each format can encode: JPEG's 16-bit size fields, WebP's 14-bit ones. */
const maxSide: Record<RenditionFormat, number> = { jpeg: 65_535, webp: 16_383 };

interface Pixels {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

const invalid = (code: InvalidUploadCode, message: string, cause?: unknown) =>
  new InvalidUploadError(code, message, cause === undefined ? undefined : { cause });

/** Size, content type and header checks: everything that can refuse a picture without decoding it. */
const checkUpload = async (bytes: Uint8Array, limits: ImageLimits) => {
  if (bytes.length === 0) throw invalid('empty', 'the picture is empty');
  if (bytes.length > limits.maxBytes) {
    throw invalid(
      'too-large',
      `the picture is ${bytes.length} bytes; at most ${limits.maxBytes} are accepted`,
    );
  }
  const format = sniffFormat(bytes);
  if (format === 'svg') throw invalid('svg-image', 'SVG pictures can carry scripts and are not published');
  if (format === undefined || format === 'pdf') {
    throw invalid('not-an-image', 'the file is not a picture (expected JPEG, PNG or WebP)');
  }
  if (!isAcceptedImageFormat(format)) {
    throw invalid(
      'unsupported-image',
      `${format.toUpperCase()} pictures are not accepted; convert it to JPEG`,
    );
  }
  let header: Metadata;
  try {
    header = await (await loadSharp())(bytes, { limitInputPixels: false }).metadata();
  } catch (cause) {
    throw invalid('corrupt-image', `the ${format.toUpperCase()} header cannot be read`, cause);
  }
  // Its first frame is often a blank or a title card: a newsroom photo is one still picture.
  if ((header.pages ?? 1) > 1) {
    throw invalid(
      'unsupported-image',
      `animated ${format.toUpperCase()} pictures (${header.pages} frames) are not accepted; upload one frame as JPEG`,
    );
  }
  const pixels = header.width * header.height;
  if (!(pixels > 0)) throw invalid('corrupt-image', `the ${format.toUpperCase()} header gives no size`);
  if (pixels > limits.maxPixels) {
    throw invalid(
      'too-many-pixels',
      `the picture is ${header.width} × ${header.height} pixels; at most ${limits.maxPixels} pixels are accepted (maxImagePixels)`,
    );
  }
  return { format, width: header.autoOrient.width, height: header.autoOrient.height };
};

/** Decode once at the primary width: oriented, 8-bit sRGB, flattened on white. */
const decode = async (
  sharp: Sharp,
  bytes: Uint8Array,
  limits: ImageLimits,
  width: number,
): Promise<Pixels> => {
  try {
    const { data, info } = await sharp(bytes, {
      // 'error' also stops at truncated data; it lets through the harmless warnings cameras
      // write (stray bytes before a marker) that the stricter 'warning' would refuse.
      failOn: 'error',
      // Checked in the header already; libvips enforces it again should a decoder disagree.
      limitInputPixels: limits.maxPixels,
      autoOrient: true,
    })
      .resize({ width, withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, channels: info.channels };
  } catch (cause) {
    throw invalid('corrupt-image', 'the picture does not decode (truncated or damaged)', cause);
  }
};

const fromPixels = (sharp: Sharp, pixels: Pixels) =>
  sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: pixels.channels } });

const encode = async (
  sharp: Sharp,
  pixels: Pixels,
  role: RenditionRole,
  format: RenditionFormat,
): Promise<Rendition> => {
  const image = fromPixels(sharp, pixels);
  const data = await (format === 'jpeg' ? image.jpeg(jpegOptions) : image.webp(webpOptions)).toBuffer();
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const digest = mediaDigest(bytes);
  const file = `${pixels.width}.${extensions[format]}`;
  return {
    role,
    format,
    key: mediaKey(digest, file),
    ...objectPolicy({ kind: 'media', digest, file }),
    width: pixels.width,
    height: pixels.height,
    bytes,
  };
};

/**
 * A picture so long and narrow that its primary rendition (the plan's width, never enlarged)
 * would be taller than a JPEG can be: refused before decoding rather than failing in the encoder.
 */
const refuseUnencodable = (source: { width: number; height: number }, plan: ImagePlan) => {
  const scale = Math.min(1, plan.primary.width / source.width);
  const height = Math.round(source.height * scale);
  if (height > maxSide.jpeg) {
    throw invalid(
      'unsupported-image',
      `the picture is ${source.width} × ${source.height} pixels: ${Math.round(source.width * scale)} px wide it ` +
        `would be ${height} px tall, more than a JPEG holds (${maxSide.jpeg}); crop or split it`,
    );
  }
};

/**
 * Validate a picture and write the plan's renditions (JPEG always; the plan's other formats where
 * the picture fits them).
 *
 * @throws InvalidUploadError `empty`, `too-large`, `not-an-image`, `svg-image`,
 *   `unsupported-image`, `too-many-pixels` (all before decoding), `corrupt-image`.
 */
export const processImage = async (
  bytes: Uint8Array,
  limits: ImageLimits,
  plan: ImagePlan,
): Promise<ProcessedImage> => {
  const sharp = await loadSharp();
  const source = await checkUpload(bytes, limits);
  refuseUnencodable(source, plan);
  const primary = await decode(sharp, bytes, limits, plan.primary.width);
  // A long picture (长图) taller than WebP can be is published as JPEG alone, thumbnail included:
  // a WebP srcset holding only the thumbnail would stretch it on wide screens.
  const formats = plan.formats.filter((format) => Math.max(primary.width, primary.height) <= maxSide[format]);
  const { data, info } = await fromPixels(sharp, primary)
    .resize({
      width: plan.thumbnail.box,
      height: plan.thumbnail.box,
      fit: 'inside',
      withoutEnlargement: true,
    })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const thumbnail: Pixels = { data, width: info.width, height: info.height, channels: info.channels };
  const renditions = await Promise.all([
    ...formats.map((format) => encode(sharp, primary, plan.primary.role, format)),
    ...formats.map((format) => encode(sharp, thumbnail, 'thumbnail', format)),
  ]);
  return { source: { ...source, byteLength: bytes.length }, renditions };
};

/** A photo: a large rendition ~1200 px wide and a thumbnail ≤ 400 px, JPEG and WebP. */
export const processPhoto = (bytes: Uint8Array, limits: ImageLimits = defaultImageLimits) =>
  processImage(bytes, limits, photoPlan);

/** A page image (版面 as JPEG/PNG/WebP): a page-size rendition and a thumbnail, as JPEG. */
export const processFacsimileImage = (bytes: Uint8Array, limits: ImageLimits = defaultImageLimits) =>
  processImage(bytes, limits, facsimilePlan);
