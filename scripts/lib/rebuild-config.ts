import {
  configEnvironmentNames,
  mediaLimitKeys,
  parseSiteConfig,
  type SiteConfig,
  siteConfigFromEnvironment,
} from '../../shared/config.ts';
import { ConfigError } from '../../shared/errors.ts';
import { idAuthorityOf } from '../../shared/publish/site-config-record.ts';
import { siteConfigKey } from '../../shared/site-layout.ts';

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

const mediaLimitNames = new Set<string>(mediaLimitKeys.map((key) => configEnvironmentNames[key]));
/** What a record stands in for: every key but the media limits, which it never holds. */
const recordedNames = Object.values(configEnvironmentNames).filter((name) => !mediaLimitNames.has(name));

/**
 * The media limits set in the environment (`MAX_IMAGE_PIXELS`, …). The site's record never holds
 * them (config.ts, `mediaLimitKeys`), so the running process's environment sets them, as it does
 * for `npm run publish` and the build function.
 */
const mediaLimitsFrom = (environment: Record<string, string | undefined>) => {
  const limits: Record<string, string> = {};
  for (const key of mediaLimitKeys) {
    const value = environment[configEnvironmentNames[key]];
    if (value !== undefined && value !== '') limits[key] = value;
  }
  return limits;
};
const ignoredFrom = (environment: Record<string, string | undefined>) =>
  recordedNames.filter((name) => (environment[name] ?? '') !== '');

/**
 * Pick the config a rebuild renders with. Precedence: explicit flags over the recorded config;
 * the environment (with the local default URL) only for a local site that has no record, since
 * an exported `SITE_URL` left over from local runs must not silently rewrite a recorded site.
 * The media limits, which no record holds and nothing renders, come from flags over the
 * environment in every case.
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
      config: parseSiteConfig({
        ...recorded,
        ...mediaLimitsFrom(environment),
        idAuthority: idAuthorityOf(recorded, recorded),
        ...explicit,
      }),
      source: hasFlags ? 'recorded+flags' : 'recorded',
      ignoredEnvironment: ignoredFrom(environment),
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
      config: parseSiteConfig({ ...mediaLimitsFrom(environment), ...explicit }),
      source: 'flags',
      ignoredEnvironment: ignoredFrom(environment),
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
