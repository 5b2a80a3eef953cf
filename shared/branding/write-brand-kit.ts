import type { SiteConfig } from '../config.ts';
import { ConfigError } from '../errors.ts';
import type { Log } from '../log.ts';
import { brandKey, policyForKey } from '../site-layout.ts';
import type { Store } from '../storage/store.ts';
import { brandKitId, brandManifestFile, siteBrandKitId } from './brand-assets.ts';
import { defaultMarkSvg } from './default-mark.ts';
import { renderBrandKit } from './render-brand-kit.ts';

/**
 * Write the site's branding kit once: if its manifest (written last) is already in the store, the
 * kit is complete and nothing is rendered or written — keys are content-addressed, so an existing
 * kit is the right one. Called by `npm run rebuild` and the local start, never per publish.
 *
 * `logo` is the operator's file; without one the generated default mark is used. A config naming
 * a kit (`brandKit`) must be given the logo it was made from: a mismatch would leave every feed
 * pointing at icons that are never written.
 *
 * @returns the kit id and whether it was written now.
 */
export const ensureBrandKit = async (
  site: Store,
  config: SiteConfig,
  log: Log,
  logo?: Uint8Array,
): Promise<{ id: string; written: boolean }> => {
  const wanted = siteBrandKitId(config);
  const source = logo ?? defaultMarkSvg(config.accentColor);
  const id = brandKitId(source, config.accentColor);
  if (id !== wanted) {
    throw new ConfigError(
      logo === undefined
        ? `the site's config names branding kit ${wanted} (brandKit): pass the logo it was made from (--logo)`
        : `this logo in ${config.accentColor} makes branding kit ${id}, but the config names ${wanted}: set brandKit=${id}`,
    );
  }
  if ((await site.get(brandKey(id, brandManifestFile))) !== undefined) return { id, written: false };
  const kit = await renderBrandKit(source, config.accentColor);
  // The manifest last: a kit interrupted halfway is rendered again next time.
  for (const file of kit.files) {
    await site.put(file.key, file.body, policyForKey(file.key));
  }
  log.info('branding kit written', { id, files: kit.files.length });
  return { id, written: true };
};
