import type { SiteConfig } from '../../shared/config.ts';
import { ConfigError } from '../../shared/errors.ts';

/** CLI flags that each set one config key (`--site-url` → `siteUrl`); they win over the record. */
export type ConfigFlags = Readonly<Record<string, keyof SiteConfig>>;

/** The flags as `parseArgs` options: each takes a string. */
export const configFlagOptions = (flags: ConfigFlags) =>
  Object.fromEntries(Object.keys(flags).map((flag) => [flag, { type: 'string' as const }]));

/** The config keys the given flags set; `--section-slugs` is parsed as the JSON object it is. */
export const configOverrides = (flags: ConfigFlags, values: Record<string, unknown>) => {
  const overrides: Partial<Record<keyof SiteConfig, unknown>> = {};
  for (const [flag, key] of Object.entries(flags)) {
    const value = values[flag];
    if (typeof value !== 'string') continue;
    if (key !== 'sectionSlugs') overrides[key] = value;
    else {
      try {
        overrides[key] = JSON.parse(value);
      } catch (cause) {
        throw new ConfigError('--section-slugs must be a JSON object of 版名 → slug', { cause });
      }
    }
  }
  return overrides;
};
