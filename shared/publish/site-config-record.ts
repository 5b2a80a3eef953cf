import { createHash } from 'node:crypto';
import {
  configEnvironmentNames,
  parseSiteConfig,
  type SiteConfig,
  siteConfigFromEnvironment,
} from '../config.ts';
import { ConfigError } from '../errors.ts';
import { siteDomain } from '../feeds/feed-items.ts';
import type { Log } from '../log.ts';
import type { Store } from '../storage/store.ts';
import { canonicalJson, canonicalJsonBytes, parseJsonBytes } from './canonical-json.ts';
import { cachePolicies, contentTypes, putKnownChanged, type WriteLog } from './store-io.ts';

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

/** `state/site-config.json`: the last config a publish or rebuild wrote the site with. */
export const siteConfigKey = 'state/site-config.json';

/** The stored record. */
export interface SiteConfigRecord {
  schemaVersion: 1;
  /** Same value as the `all` window's `siteConfig` header field. */
  fingerprint: string;
  siteConfig: SiteConfig;
}

/** Short sha256 of the config's canonical JSON: equal configs, equal fingerprints. */
export const siteConfigFingerprint = (config: SiteConfig): string =>
  createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 16);

/** Write the record without reading it first (the caller saw a fingerprint that differs). */
export const writeSiteConfigRecord = async (site: Store, config: SiteConfig, writes: WriteLog) => {
  const record: SiteConfigRecord = {
    schemaVersion: 1,
    fingerprint: siteConfigFingerprint(config),
    siteConfig: config,
  };
  await putKnownChanged(
    site,
    siteConfigKey,
    canonicalJsonBytes(record),
    { contentType: contentTypes.json, cacheControl: cachePolicies.none },
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

/** What an operator asked for and what the site holds: the inputs of {@link resolveRebuildConfig}. */
export interface RebuildConfigInputs {
  /** The record read from the site store, if any. */
  recorded: SiteConfig | undefined;
  /** Config keys the operator passed explicitly (command-line flags); they win over the record. */
  overrides: Partial<Record<keyof SiteConfig, unknown>>;
  /** The process environment (`SITE_URL`, …): used only for a local site without a record. */
  environment: Record<string, string | undefined>;
  /** True for a production store (`s3://…`): no local default may ever apply there. */
  remote: boolean;
  /** `SITE_URL` of a local site without a record when none is given (the local server's). */
  localSiteUrl: string;
}

/** The config a rebuild uses, and where it came from (the CLI says so). */
export interface ResolvedRebuildConfig {
  config: SiteConfig;
  source: 'recorded' | 'recorded+flags' | 'flags' | 'environment' | 'local default';
  /** Environment variables that were set but not used because a record exists. */
  ignoredEnvironment: string[];
}

const environmentNames = Object.values(configEnvironmentNames);

/**
 * Pick the config a rebuild renders with. Precedence: explicit flags over the recorded config;
 * the environment (with the local default URL) only for a local site that has no record, since
 * an exported `SITE_URL` left over from local runs must not silently rewrite a recorded site.
 *
 * @throws ConfigError for a remote store with neither a record nor `--site-url`: guessing a URL
 *   there would change every GUID in production.
 */
export const resolveRebuildConfig = (inputs: RebuildConfigInputs): ResolvedRebuildConfig => {
  const { recorded, overrides, environment, remote } = inputs;
  const explicit = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const hasFlags = Object.keys(explicit).length > 0;
  if (recorded !== undefined) {
    // A legacy record (no idAuthority) minted ids from its own URL's host: pin that before a
    // --site-url flag moves the links.
    return {
      config: parseSiteConfig({ ...recorded, idAuthority: idAuthorityOf(recorded, recorded), ...explicit }),
      source: hasFlags ? 'recorded+flags' : 'recorded',
      ignoredEnvironment: environmentNames.filter((name) => (environment[name] ?? '') !== ''),
    };
  }
  if (remote) {
    if (explicit.siteUrl === undefined) {
      throw new ConfigError(
        `refusing to rebuild: the site has no recorded config (${siteConfigKey}; a publish by this ` +
          'version writes it) and no --site-url was given. Pass the public URL the feeds were ' +
          'published under, e.g. --site-url https://d111.cloudfront.net, plus --window-issues, ' +
          '--title, … where they differ from the defaults: a wrong URL changes every GUID.',
      );
    }
    return {
      config: parseSiteConfig({ ...explicit }),
      source: 'flags',
      ignoredEnvironment: environmentNames.filter((name) => (environment[name] ?? '') !== ''),
    };
  }
  const fromEnvironment = (environment.SITE_URL ?? '') !== '';
  const base = siteConfigFromEnvironment({
    ...environment,
    SITE_URL: fromEnvironment ? environment.SITE_URL : inputs.localSiteUrl,
  });
  return {
    config: parseSiteConfig({ ...base, ...explicit }),
    source: hasFlags ? 'flags' : fromEnvironment ? 'environment' : 'local default',
    ignoredEnvironment: [],
  };
};
