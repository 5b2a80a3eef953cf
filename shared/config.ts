import { z } from 'zod';
import { ConfigError } from './errors.ts';

/**
 * Site configuration, shared by infra/ (CDK context → function environment) and functions/
 * (environment → config, validated once at cold start). The environment variable names are
 * the contract between the two: `configEnvironmentNames`.
 */
export const SiteConfigSchema = z
  .object({
    /** Absolute base URL of the public site, no trailing slash, e.g. https://d111.cloudfront.net */
    siteUrl: z
      .url({ protocol: /^https?$/ })
      .transform((u) => u.replace(/\/+$/, ''))
      .refine((u) => !/[?#]/.test(u), 'siteUrl must not carry a query or fragment'),
    /** Paper / site title shown in feeds and pages. */
    title: z.string().min(1).max(100).default('衢州日报'),
    /** IANA time zone of the newsroom; the feeds write its fixed offset (+08:00). */
    timeZone: z.literal('Asia/Shanghai').default('Asia/Shanghai'),
    /** Publication time of an issue (Beijing time, HH:MM). */
    publicationTime: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM')
      .default('05:00'),
    /** Issues held in each subscription document. */
    windowIssues: z.coerce.number().int().min(1).max(60).default(7),
    /** Byte cap of each subscription document. */
    maxFeedBytes: z.coerce
      .number()
      .int()
      .min(16 * 1024)
      .max(10 * 1024 * 1024)
      .default(512 * 1024),
    /** Largest upload accepted. */
    maxUploadBytes: z.coerce
      .number()
      .int()
      .min(1024)
      .max(100 * 1024 * 1024)
      .default(10 * 1024 * 1024),
    /** Optional WebSub hub. */
    websubHub: z.url({ protocol: /^https?$/ }).optional(),
    /** Section slug overrides, 版名 → ASCII slug (default: pinyin). */
    sectionSlugs: z.record(z.string(), z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/)).default({}),
  })
  .strict();

export type SiteConfig = z.infer<typeof SiteConfigSchema>;

/** Environment variable for each config key; CDK sets these on both functions. */
export const configEnvironmentNames = {
  siteUrl: 'SITE_URL',
  title: 'SITE_TITLE',
  timeZone: 'TIME_ZONE',
  publicationTime: 'PUBLICATION_TIME',
  windowIssues: 'WINDOW_ISSUES',
  maxFeedBytes: 'MAX_FEED_BYTES',
  maxUploadBytes: 'MAX_UPLOAD_BYTES',
  websubHub: 'WEBSUB_HUB',
  sectionSlugs: 'SECTION_SLUGS',
} as const satisfies Record<keyof SiteConfig, string>;

/** Validate a partial config (CDK context, CLI options); throws ConfigError naming the key. */
export const parseSiteConfig = (input: Record<string, unknown>): SiteConfig => {
  const result = SiteConfigSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join('.') || 'config';
    throw new ConfigError(`invalid configuration ${where}: ${issue?.message ?? 'invalid'}`, {
      cause: result.error,
    });
  }
  return result.data;
};

/** Read config from an environment map (the edge passes `process.env`). */
export const siteConfigFromEnvironment = (env: Record<string, string | undefined>): SiteConfig => {
  const input: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(configEnvironmentNames)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    if (key === 'sectionSlugs') {
      try {
        input[key] = JSON.parse(value);
      } catch (cause) {
        throw new ConfigError(`${name} must be a JSON object of 版名 → slug`, { cause });
      }
    } else input[key] = value;
  }
  if (input.siteUrl === undefined) throw new ConfigError(`${configEnvironmentNames.siteUrl} is required`);
  return parseSiteConfig(input);
};

/** The environment map for a config (what CDK puts on the functions). */
export const siteConfigToEnvironment = (config: SiteConfig): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const [key, name] of Object.entries(configEnvironmentNames)) {
    const value = config[key as keyof SiteConfig];
    if (value === undefined) continue;
    env[name] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return env;
};
