import type { SiteConfig } from '../config.ts';
import type { ImageLimits } from '../media/image-limits.ts';
import { mediaDigest } from '../media/media-digest.ts';
import type { MediaKeyInfo } from '../media/media-key.ts';
import { validatePdfFacsimile } from '../media/pdf-facsimile.ts';
import type { ProcessedImage } from '../media/process-image.ts';
import type { MediaRendition } from '../model/published.ts';
import { type MediaEntry, renditionKeysOf } from './media-state.ts';
import type { UploadCap } from './upload-object.ts';

/** From an uploaded picture or PDF to what the media state records (publish-media.ts). */

/** An object to store under `media/` (its content type and cache policy are the site map's). */
export interface StoredMedia {
  key: string;
  bytes: Uint8Array;
}

const isPdf = (info: MediaKeyInfo) => info.kind === 'facsimile' && info.format === 'pdf';

/** The upload size cap of a picture or PDF (a PDF page may be larger than a photo), and its key. */
export const maxBytesOf = (info: MediaKeyInfo, config: SiteConfig): UploadCap =>
  isPdf(info)
    ? { maxBytes: config.maxPdfBytes, setting: 'maxPdfBytes' }
    : { maxBytes: config.maxImageBytes, setting: 'maxImageBytes' };

const imageLimitsOf = (config: SiteConfig): ImageLimits => ({
  maxBytes: config.maxImageBytes,
  maxPixels: config.maxImagePixels,
});

/**
 * Validate and process an upload into its media-state entry and the objects to store.
 *
 * @throws InvalidUploadError for a bad picture or PDF (process-image.ts, pdf-facsimile.ts)
 */
export const processUpload = async (
  info: MediaKeyInfo,
  bytes: Uint8Array,
  config: SiteConfig,
): Promise<{ entry: MediaEntry; objects: StoredMedia[] }> => {
  const digest = mediaDigest(bytes);
  if (isPdf(info)) {
    const pdf = validatePdfFacsimile(bytes, info, { maxBytes: config.maxPdfBytes });
    return {
      entry: {
        kind: 'facsimile',
        page: info.page,
        digest,
        facsimile: { document: { key: pdf.key, type: 'application/pdf', bytes: pdf.bytes.length } },
      },
      objects: [{ key: pdf.key, bytes: pdf.bytes }],
    };
  }
  // sharp loads libvips: only media uploads pay for it, never a text publish's cold start.
  const images = await import('../media/process-image.ts');
  const processed: ProcessedImage =
    info.kind === 'photo'
      ? await images.processPhoto(bytes, imageLimitsOf(config))
      : await images.processFacsimileImage(bytes, imageLimitsOf(config));
  const pick = (role: 'primary' | 'thumbnail', format: 'jpeg' | 'webp') => {
    const r = processed.renditions.find(
      (x) => x.format === format && (role === 'thumbnail' ? x.role === 'thumbnail' : x.role !== 'thumbnail'),
    );
    return (
      r && {
        key: r.key,
        type: r.contentType as 'image/jpeg' | 'image/webp',
        width: r.width,
        height: r.height,
        bytes: r.bytes.length,
      }
    );
  };
  // Every picture has JPEG renditions; WebP is left out of a picture taller than WebP can be.
  const large = pick('primary', 'jpeg')!;
  const thumbnail = pick('thumbnail', 'jpeg')!;
  const webpLarge = pick('primary', 'webp');
  const webpThumbnail = pick('thumbnail', 'webp');
  const webp = webpLarge && webpThumbnail && { webp: { large: webpLarge, thumbnail: webpThumbnail } };
  const entry: MediaEntry =
    info.kind === 'photo'
      ? {
          kind: 'photo',
          page: info.page,
          label: info.label,
          sequence: info.sequence,
          digest,
          photo: { large, thumbnail, ...webp },
        }
      : {
          kind: 'facsimile',
          page: info.page,
          digest,
          facsimile: { document: { ...withoutType(large), type: 'image/jpeg' }, thumbnail },
        };
  // Only what the entry records is written: the state's references are all that ever deletes a
  // rendition, so an unrecorded one would stay in the bucket for good.
  const recorded = new Set(renditionKeysOf(entry));
  const objects = processed.renditions
    .filter((r) => recorded.has(r.key))
    .map((r) => ({ key: r.key, bytes: r.bytes }));
  return { entry, objects };
};

const withoutType = ({ type: _type, ...size }: MediaRendition) => size;
