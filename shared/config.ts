import { createHash } from 'node:crypto';
import { ConfigError } from './errors.ts';
import { defaultImageLimits } from './media/image-limits.ts';
import { defaultPdfLimits } from './media/pdf-facsimile.ts';
import { canonicalJson } from './publish/canonical-json.ts';

/**
 * Site configuration, shared by infra/ (CDK context → function environment) and functions/
 * (environment → config, validated once at cold start). The environment variable names are
 * the contract between the two: `configEnvironmentNames`.
 *
 * Validated by hand rather than with zod: this module is on the permalink function's cold path,
 * and zod's import alone costs about as much as the whole S3 client's (bench: serve cold import).
 */
export interface SiteConfig {
  /** Absolute base URL of the public site, no trailing slash, e.g. https://d111.cloudfront.net */
  siteUrl: string;
  /** Paper / site title shown in feeds and pages. */
  title: string;
  /** IANA time zone of the newsroom; the feeds write its fixed offset (+08:00). */
  timeZone: 'Asia/Shanghai';
  /** Publication time of an issue (Beijing time, HH:MM). */
  publicationTime: string;
  /** Issues held in each subscription document. */
  windowIssues: number;
  /** Byte cap of each subscription document. */
  maxFeedBytes: number;
  /** Largest text upload accepted (page text, JSON, XML). */
  maxUploadBytes: number;
  /** Largest photo or page image accepted, in bytes (docs/photos.md). */
  maxImageBytes: number;
  /** Most pixels (width × height) a photo or page image may have: the decompression-bomb guard. */
  maxImagePixels: number;
  /** Largest page facsimile PDF (版面 PDF) accepted, in bytes. */
  maxPdfBytes: number;
  /** Optional WebSub hub. */
  websubHub?: string;
  /** Section slug overrides, 版名 → ASCII slug (default: pinyin). */
  sectionSlugs: Record<string, string>;
  /** Accent colour, `#rrggbb` (Feedly `webfeeds:accentColor`, `theme-color`, the default mark). */
  accentColor: string;
  /** Branding kit id of the operator's logo (shared/branding); default: the generated mark's. */
  brandKit?: string;
  /** IndexNow key (public by design: served as `/<key>.txt`); pings are sent only when set. */
  indexNowKey?: string;
  /**
   * Authority of every item id (`tag:<authority>,<date>:<id>`, RFC 4151): a DNS name (or e-mail
   * address) the paper controls. Only the FIRST publish takes it from here (default: the site
   * URL's host); the site's recorded config holds it from then on, so a new domain changes links,
   * never ids (docs/feeds.md, "Item ids"). Changing it is `npm run rebuild -- --id-authority`.
   */
  idAuthority?: string;
  /**
   * Issue dates more than this many days after the build's own date (Beijing time) are refused
   * (`date-out-of-range`). Default 7: weekend and holiday issues are prepared days ahead, a typo'd
   * year is not (docs/upload-contract.md).
   */
  maxDaysAhead: number;
  /** Issue dates before this (YYYY-MM-DD) are refused (`date-out-of-range`). Default 1949-01-01. */
  firstIssueDate: string;
}

/** Environment variable for each config key; CDK sets these on both functions. */
export const configEnvironmentNames = {
  siteUrl: 'SITE_URL',
  title: 'SITE_TITLE',
  timeZone: 'TIME_ZONE',
  publicationTime: 'PUBLICATION_TIME',
  windowIssues: 'WINDOW_ISSUES',
  maxFeedBytes: 'MAX_FEED_BYTES',
  maxUploadBytes: 'MAX_UPLOAD_BYTES',
  maxImageBytes: 'MAX_IMAGE_BYTES',
  maxImagePixels: 'MAX_IMAGE_PIXELS',
  maxPdfBytes: 'MAX_PDF_BYTES',
  websubHub: 'WEBSUB_HUB',
  sectionSlugs: 'SECTION_SLUGS',
  accentColor: 'ACCENT_COLOR',
  brandKit: 'BRAND_KIT',
  indexNowKey: 'INDEXNOW_KEY',
  idAuthority: 'ID_AUTHORITY',
  maxDaysAhead: 'MAX_DAYS_AHEAD',
  firstIssueDate: 'FIRST_ISSUE_DATE',
} as const satisfies Record<keyof SiteConfig, string>;

const slugPattern = /^[a-z0-9][a-z0-9-]{0,40}$/;

const fail = (key: string, message: string): never => {
  throw new ConfigError(`invalid configuration ${key}: ${message}`);
};

const httpUrl = (key: string, value: unknown): string => {
  if (typeof value !== 'string') return fail(key, 'expected a URL string');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(key, `not a URL: ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail(key, 'expected an http(s) URL');
  if (url.hostname === '') return fail(key, 'expected a host name');
  return value;
};

const integer = (key: string, value: unknown, min: number, max: number, fallback: number): number => {
  if (value === undefined) return fallback;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n))
    return fail(key, `expected an integer, got ${String(value)}`);
  if (n < min || n > max) return fail(key, `expected ${min}–${max}, got ${n}`);
  return n;
};

const pattern = (key: string, value: unknown, re: RegExp, expected: string): string => {
  if (typeof value !== 'string' || !re.test(value))
    return fail(key, `expected ${expected}, got ${String(value)}`);
  return value;
};

/** The paper's red, the default accent colour. */
export const defaultAccentColor = '#b8202a';
/** RFC 4151 authorityName: a DNS name or an e-mail address, lower case (ids compare as strings). */
const dnsName = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*';
const authorityPattern = new RegExp(`^(?:[a-z0-9._%+-]+@)?${dnsName}$`);

/** A real calendar date YYYY-MM-DD (not 2024-02-30). */
const isCalendarDate = (value: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const time = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().startsWith(value);
};

/** Default first issue date: conservative, see docs/upload-contract.md ("Issue dates"). */
const defaultFirstIssueDate = '1949-01-01';

const knownKeys = new Set<string>(Object.keys(configEnvironmentNames));

/** Validate a partial config (CDK context, CLI options); throws ConfigError naming the key. */
export const parseSiteConfig = (input: Record<string, unknown>): SiteConfig => {
  for (const key of Object.keys(input)) {
    if (!knownKeys.has(key)) fail(key, 'unknown key');
  }
  const siteUrl = httpUrl('siteUrl', input.siteUrl).replace(/\/+$/, '');
  if (/[?#]/.test(siteUrl)) fail('siteUrl', 'siteUrl must not carry a query or fragment');

  const title = input.title ?? '衢州日报';
  if (typeof title !== 'string' || title.length < 1 || title.length > 100)
    fail('title', 'expected 1–100 characters');

  const timeZone = input.timeZone ?? 'Asia/Shanghai';
  if (timeZone !== 'Asia/Shanghai')
    fail('timeZone', `only Asia/Shanghai is supported, got ${String(timeZone)}`);

  const publicationTime = input.publicationTime ?? '05:00';
  if (typeof publicationTime !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(publicationTime)) {
    fail('publicationTime', 'expected HH:MM');
  }

  const sectionSlugs = input.sectionSlugs ?? {};
  if (typeof sectionSlugs !== 'object' || sectionSlugs === null || Array.isArray(sectionSlugs)) {
    fail('sectionSlugs', 'expected an object of 版名 → slug');
  }
  for (const [section, slug] of Object.entries(sectionSlugs as Record<string, unknown>)) {
    if (typeof slug !== 'string' || !slugPattern.test(slug)) {
      fail(`sectionSlugs.${section}`, `expected a lowercase ASCII slug, got ${String(slug)}`);
    }
  }

  const firstIssueDate = input.firstIssueDate ?? defaultFirstIssueDate;
  if (typeof firstIssueDate !== 'string' || !isCalendarDate(firstIssueDate))
    fail('firstIssueDate', `expected a date YYYY-MM-DD, got ${String(firstIssueDate)}`);

  const config: SiteConfig = {
    siteUrl,
    title: title as string,
    timeZone: 'Asia/Shanghai',
    publicationTime: publicationTime as string,
    windowIssues: integer('windowIssues', input.windowIssues, 1, 60, 7),
    maxFeedBytes: integer('maxFeedBytes', input.maxFeedBytes, 16 * 1024, 10 * 1024 * 1024, 512 * 1024),
    maxUploadBytes: integer(
      'maxUploadBytes',
      input.maxUploadBytes,
      1024,
      100 * 1024 * 1024,
      10 * 1024 * 1024,
    ),
    // The build function holds an upload in memory (1769 MB): 256 MiB of picture or 512 MiB of
    // PDF leave it room to work. 268 402 689 pixels (16383²) is libvips' own default cap; fewer
    // than a megapixel would refuse ordinary photos.
    maxImageBytes: integer(
      'maxImageBytes',
      input.maxImageBytes,
      1024,
      256 * 2 ** 20,
      defaultImageLimits.maxBytes,
    ),
    maxImagePixels: integer(
      'maxImagePixels',
      input.maxImagePixels,
      1_000_000,
      16_383 * 16_383,
      defaultImageLimits.maxPixels,
    ),
    maxPdfBytes: integer('maxPdfBytes', input.maxPdfBytes, 1024, 512 * 2 ** 20, defaultPdfLimits.maxBytes),
    sectionSlugs: { ...(sectionSlugs as Record<string, string>) },
    accentColor: pattern(
      'accentColor',
      input.accentColor ?? defaultAccentColor,
      /^#[0-9a-f]{6}$/i,
      '#rrggbb',
    ).toLowerCase(),
    maxDaysAhead: integer('maxDaysAhead', input.maxDaysAhead, 0, 366, 7),
    firstIssueDate: firstIssueDate as string,
  };
  if (input.idAuthority !== undefined) {
    if (
      typeof input.idAuthority !== 'string' ||
      input.idAuthority.length > 253 ||
      !authorityPattern.test(input.idAuthority)
    )
      fail(
        'idAuthority',
        `expected a lower-case DNS name or e-mail address, got ${String(input.idAuthority)}`,
      );
    config.idAuthority = input.idAuthority as string;
  }
  if (input.websubHub !== undefined) config.websubHub = httpUrl('websubHub', input.websubHub);
  if (input.brandKit !== undefined)
    config.brandKit = pattern('brandKit', input.brandKit, /^[0-9a-f]{16}$/, '16 hex digits (a kit id)');
  // IndexNow: 8–128 characters of a-z, A-Z, 0-9 and '-'.
  if (input.indexNowKey !== undefined)
    config.indexNowKey = pattern(
      'indexNowKey',
      input.indexNowKey,
      /^[A-Za-z0-9-]{8,128}$/,
      '8–128 of [A-Za-z0-9-]',
    );
  return config;
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

/**
 * Keys that decide which uploads are accepted, never how anything renders: left out of the
 * fingerprint and the site's config record (see `configFingerprint`). The older acceptance keys
 * (maxUploadBytes, maxDaysAhead, firstIssueDate) predate this and stay in: taking them out would
 * change every site's fingerprint once for no rendering reason.
 */
export const mediaLimitKeys = ['maxImageBytes', 'maxImagePixels', 'maxPdfBytes'] as const;

/** The config without its media limits: what a site's rendering and its config record depend on. */
export const withoutMediaLimits = (config: SiteConfig): Omit<SiteConfig, (typeof mediaLimitKeys)[number]> => {
  const rest: Partial<SiteConfig> = { ...config };
  for (const key of mediaLimitKeys) delete rest[key];
  return rest as Omit<SiteConfig, (typeof mediaLimitKeys)[number]>;
};

const fingerprints = new WeakMap<SiteConfig, string>();

/**
 * Short sha256 of the config's canonical JSON: equal configs, equal fingerprints, whatever their
 * key order. The `all` window and the site-config record store it (a publish that finds another
 * one records its config first); the permalink function puts it in its ETags (a config change
 * changes the HTML of unchanged records). Memoised per config object: configs are never mutated
 * once parsed, and the permalink function asks once per request.
 *
 * Both uses are about output: the record lets a rebuild render what the publishes rendered, the
 * ETag changes when the HTML may. The media limits (mediaLimitKeys) only decide which pictures
 * are accepted, so they are left out: raising maxImagePixels must not make every cached page
 * revalidate nor rewrite the record, and adding them kept existing sites' fingerprints.
 */
export const configFingerprint = (config: SiteConfig): string => {
  let fingerprint = fingerprints.get(config);
  if (fingerprint === undefined) {
    fingerprint = createHash('sha256')
      .update(canonicalJson(withoutMediaLimits(config)))
      .digest('hex')
      .slice(0, 16);
    fingerprints.set(config, fingerprint);
  }
  return fingerprint;
};
