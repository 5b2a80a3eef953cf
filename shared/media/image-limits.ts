/** Limits a picture upload must respect (checked by process-image.ts before any pixel is decoded). */

export interface ImageLimits {
  /** Upload size cap in bytes, checked before anything is read. */
  maxBytes: number;
  /** Width × height cap, checked in the header before any pixel is decoded (decompression bombs). */
  maxPixels: number;
}

/**
 * 40 MB takes a full-quality JPEG of the largest full-frame sensors (61 MP); 100 megapixels take
 * them and a broadsheet page scanned at 600 dpi, and refuse bombs (30000 × 30000 is 900 MP).
 */
export const defaultImageLimits: ImageLimits = { maxBytes: 40 * 2 ** 20, maxPixels: 100_000_000 };
