import { createHash } from 'node:crypto';
import type { SiteConfig } from '../config.ts';
import { brandKey, siteFileUrl } from '../site-layout.ts';
import { defaultMarkSvg } from './default-mark.ts';

/**
 * The branding kit's file names, sizes and URLs: pure, no image library, so feeds and pages (and
 * the permalink function) know every icon URL from the config alone.
 *
 * Keys are content-addressed: `brand/<kit id>/<file>`, the id a hash of the logo's bytes, the
 * accent colour and `brandKitVersion`. A new logo or colour gives new URLs, so every object under
 * `brand/` can be cached for a year as immutable, and documents rendered earlier (archives, pages
 * in caches) keep pointing at icons that still exist.
 */

/** Bumped when the kit's files or sizes change: the same logo then gets new keys. */
export const brandKitVersion = 1;

/** One raster file of the kit. */
export interface BrandFileSpec {
  file: string;
  width: number;
  height: number;
}

/** Every PNG the kit holds (the ICO is assembled from the two favicon PNGs). */
export const brandFiles = {
  favicon32: { file: 'favicon-32.png', width: 32, height: 32 },
  favicon64: { file: 'favicon-64.png', width: 64, height: 64 },
  appleTouch: { file: 'apple-touch-icon.png', width: 180, height: 180 },
  icon192: { file: 'icon-192.png', width: 192, height: 192 },
  icon512: { file: 'icon-512.png', width: 512, height: 512 },
  /** RSS `<image>`: within RSS 2.0's 144 × 400 limit. */
  logoSmall: { file: 'logo-144x72.png', width: 144, height: 72 },
  /** The 2:1 logo (Atom `logo`, Feedly `webfeeds:logo`). */
  logo: { file: 'logo-600x300.png', width: 600, height: 300 },
} as const satisfies Record<string, BrandFileSpec>;

export const faviconIcoFile = 'favicon.ico';
/** What the kit was made from; also its "already written" marker (written last). */
export const brandManifestFile = 'manifest.json';

/** The id of a kit made from these logo bytes in this colour. */
export const brandKitId = (logo: Uint8Array | string, accentColor: string): string =>
  createHash('sha256')
    .update(`quzhou-brand-kit/${brandKitVersion}/${accentColor.toLowerCase()}/`)
    .update(logo)
    .digest('hex')
    .slice(0, 16);

/** The kit id the site uses: the configured one (an operator's logo), else the default mark's. */
export const siteBrandKitId = (config: SiteConfig): string =>
  config.brandKit ?? brandKitId(defaultMarkSvg(config.accentColor), config.accentColor);

/** Absolute URLs of the kit, what feeds and pages put in front of readers. */
export interface BrandAssets {
  faviconIco: string;
  favicon64: string;
  appleTouchIcon: string;
  icon512: string;
  logo: string;
  logoSmall: BrandFileSpec & { url: string };
  /** `#rrggbb` */
  accentColor: string;
}

const cache = new WeakMap<SiteConfig, BrandAssets>();

/** The kit's URLs for this config (memoised per config object: renderers ask per document). */
export const brandAssets = (config: SiteConfig): BrandAssets => {
  let assets = cache.get(config);
  if (assets === undefined) {
    const id = siteBrandKitId(config);
    const url = (file: string) => siteFileUrl(config.siteUrl, brandKey(id, file));
    assets = {
      faviconIco: url(faviconIcoFile),
      favicon64: url(brandFiles.favicon64.file),
      appleTouchIcon: url(brandFiles.appleTouch.file),
      icon512: url(brandFiles.icon512.file),
      logo: url(brandFiles.logo.file),
      logoSmall: { ...brandFiles.logoSmall, url: url(brandFiles.logoSmall.file) },
      accentColor: config.accentColor,
    };
    cache.set(config, assets);
  }
  return assets;
};
