import sharp, { type Metadata } from 'sharp';
import { ConfigError } from '../errors.ts';
import { brandKey, objectPolicy } from '../site-layout.ts';
import {
  type BrandFileSpec,
  brandFiles,
  brandKitId,
  brandKitVersion,
  brandManifestFile,
  faviconIcoFile,
} from './brand-assets.ts';

/**
 * Rasterise one logo into every size readers ask for (brand-assets.ts lists them). Uses sharp
 * (libvips, librsvg for SVG): imported only by the scripts that write the kit (rebuild, local
 * start), never by a Lambda bundle.
 *
 * Square icons get the logo centred on a transparent square (`contain`), the 2:1 logos likewise:
 * a wide masthead stays whole in a favicon, a square mark stays square in the logo.
 */

/** A rendered file, ready for the store. */
export interface BrandFile {
  key: string;
  body: Uint8Array;
  contentType: string;
}

export interface BrandKit {
  id: string;
  files: BrandFile[];
}

/** Smallest side of a PNG logo: the 512 px icon must not be an upscale. */
export const minPngLogoSide = 512;

const transparent = { r: 0, g: 0, b: 0, alpha: 0 };

const isSvg = (bytes: Uint8Array) => {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('utf8');
  return /<svg[\s>]/.test(head);
};

/**
 * The kit of a logo (SVG, or PNG at least 512 px on its shorter side) in an accent colour.
 * @throws ConfigError when the logo is neither, too small, or cannot be decoded.
 */
export const renderBrandKit = async (logo: Uint8Array | string, accentColor: string): Promise<BrandKit> => {
  const bytes = typeof logo === 'string' ? new TextEncoder().encode(logo) : logo;
  const id = brandKitId(bytes, accentColor);
  const svg = isSvg(bytes);
  let meta: Metadata;
  try {
    meta = await sharp(bytes).metadata();
  } catch (cause) {
    throw new ConfigError('logo: not an image sharp can read (give an SVG or a PNG)', { cause });
  }
  if (!svg && meta.format !== 'png') throw new ConfigError(`logo: expected SVG or PNG, got ${meta.format}`);
  if (!svg && Math.min(meta.width ?? 0, meta.height ?? 0) < minPngLogoSide) {
    throw new ConfigError(
      `logo: a PNG logo needs at least ${minPngLogoSide} px on its shorter side, got ${meta.width}×${meta.height} (or give an SVG)`,
    );
  }
  // SVG: render at a density that gives at least 1024 px on the longer side, then scale down.
  const longest = Math.max(meta.width ?? 512, meta.height ?? 512);
  const density = svg ? Math.min(2400, Math.ceil((72 * 1024) / longest)) : undefined;
  const png = async (spec: BrandFileSpec) =>
    new Uint8Array(
      await sharp(bytes, density === undefined ? {} : { density })
        .resize(spec.width, spec.height, { fit: 'contain', background: transparent, kernel: 'lanczos3' })
        // No metadata or timestamps: the same logo gives the same bytes.
        .png({ compressionLevel: 9, adaptiveFiltering: true })
        .toBuffer(),
    );
  const kitFile = (file: string, body: Uint8Array): BrandFile => ({
    key: brandKey(id, file),
    body,
    contentType: objectPolicy({ kind: 'brand', kitId: id, file }).contentType,
  });
  const files: BrandFile[] = [];
  const rendered = new Map<string, Uint8Array>();
  for (const spec of Object.values(brandFiles)) {
    const body = await png(spec);
    rendered.set(spec.file, body);
    files.push(kitFile(spec.file, body));
  }
  files.push(
    kitFile(
      faviconIcoFile,
      icoOf([
        [brandFiles.favicon32, rendered.get(brandFiles.favicon32.file)!],
        [brandFiles.favicon64, rendered.get(brandFiles.favicon64.file)!],
      ]),
    ),
  );
  const manifest = {
    id,
    version: brandKitVersion,
    accentColor,
    source: svg ? 'svg' : 'png',
    files: files.map((f) => f.key.slice(f.key.lastIndexOf('/') + 1)),
  };
  files.push(kitFile(brandManifestFile, new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`)));
  return { id, files };
};

/**
 * An ICO holding PNG images (allowed since Windows Vista, read by every current browser): a
 * 6-byte header, a 16-byte entry per image, then the PNGs as they are.
 */
export const icoOf = (images: ReadonlyArray<readonly [BrandFileSpec, Uint8Array]>): Uint8Array => {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(([spec, png], i) => {
    const at = 6 + 16 * i;
    header.writeUInt8(spec.width >= 256 ? 0 : spec.width, at);
    header.writeUInt8(spec.height >= 256 ? 0 : spec.height, at + 1);
    header.writeUInt8(0, at + 2); // no palette
    header.writeUInt8(0, at + 3);
    header.writeUInt16LE(1, at + 4); // colour planes
    header.writeUInt16LE(32, at + 6); // bits per pixel
    header.writeUInt32LE(png.byteLength, at + 8);
    header.writeUInt32LE(offset, at + 12);
    offset += png.byteLength;
  });
  return new Uint8Array(Buffer.concat([header, ...images.map(([, png]) => Buffer.from(png))]));
};
