import { configFingerprint, parseSiteConfig, type SiteConfig, withoutMediaLimits } from '../config.ts';
import { ConfigError } from '../errors.ts';
import { siteDomain } from '../feeds/feed-items.ts';
import type { Log } from '../log.ts';
import { objectPolicy, siteConfigKey } from '../site-layout.ts';
import type { Store } from '../storage/store.ts';
import { canonicalJsonBytes, parseJsonBytes } from './canonical-json.ts';
import { putKnownChanged, type WriteLog } from './store-io.ts';

/**
 * The site config the site was published with, recorded in the site store so a rebuild renders
 * the same GUIDs and links as the publishes did. A rebuild with another `siteUrl` would change
 * every GUID (`tag:<host>,…`) and link, and every subscriber would see every item again.
 *
 * Publishing must not pay a request per publish for this: the `all` window's header line (read
 * and written by every publish anyway) carries the config's fingerprint, and the record is only
 * written when that fingerprint differs from the running config's (first publish, a deploy that
 * changed the config, or a window written before the fingerprint existed).
 */

/** The stored record (`state/site-config.json`): the last config a publish or rebuild wrote the site with. */
export interface SiteConfigRecord {
  schemaVersion: 1;
  /** Same value as the `all` window's `siteConfig` header field. */
  fingerprint: string;
  /**
   * Without the media limits: they are not fingerprinted (config.ts), so a record holding them
   * would keep stale ones. Reading it back gives them their defaults; import flags set them.
   */
  siteConfig: ReturnType<typeof withoutMediaLimits>;
}

/** Write the record without reading it first (the caller saw a fingerprint that differs). */
export const writeSiteConfigRecord = async (site: Store, config: SiteConfig, writes: WriteLog) => {
  const record: SiteConfigRecord = {
    schemaVersion: 1,
    fingerprint: configFingerprint(config),
    siteConfig: withoutMediaLimits(config),
  };
  await putKnownChanged(
    site,
    siteConfigKey,
    canonicalJsonBytes(record),
    objectPolicy({ kind: 'site-config' }),
    writes,
  );
};

/**
 * The recorded config, validated like any other config.
 * @throws ConfigError when the record is not a valid config (hand-edited, or from a newer version)
 */
export const readSiteConfigRecord = async (site: Store): Promise<SiteConfig | undefined> => {
  const found = await site.get(siteConfigKey);
  if (found === undefined) return undefined;
  try {
    const record = parseJsonBytes<Partial<SiteConfigRecord>>(found.body);
    return parseSiteConfig({ ...(record.siteConfig as unknown as Record<string, unknown>) });
  } catch (cause) {
    throw new ConfigError(
      `${siteConfigKey} holds no valid site config: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
};

/**
 * The id authority a site's item ids were minted under: the recorded one; for a record written
 * before ids had their own setting, the host of the recorded site URL (what ids were built from
 * then); for a site never published, the configured one or the site host.
 */
export const idAuthorityOf = (recorded: SiteConfig | undefined, running: SiteConfig): string =>
  recorded === undefined
    ? (running.idAuthority ?? siteDomain(running.siteUrl))
    : (recorded.idAuthority ?? siteDomain(recorded.siteUrl));

/**
 * The running config with the site's id authority (idAuthorityOf): what publishing renders with,
 * so that moving the site to another domain changes its links and never its GUIDs. A configured
 * `idAuthority` that disagrees with the recorded one is not applied (that would re-mark every
 * item unread); it is logged, and `npm run rebuild -- --id-authority` is how it changes.
 * One GET of `state/site-config.json` per publish.
 * @throws ConfigError when the record is unreadable: guessing the authority could change every id
 */
export const withSiteIdAuthority = async (site: Store, config: SiteConfig, log: Log): Promise<SiteConfig> => {
  const recorded = await readSiteConfigRecord(site);
  const idAuthority = idAuthorityOf(recorded, config);
  if (config.idAuthority !== undefined && config.idAuthority !== idAuthority)
    log.warn('configured id authority ignored: the site records another', {
      configured: config.idAuthority,
      recorded: idAuthority,
      change: 'npm run rebuild -- <site> --id-authority <name>',
    });
  return config.idAuthority === idAuthority ? config : { ...config, idAuthority };
};
