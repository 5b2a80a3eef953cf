import { readFileSync } from 'node:fs';
import { brandKitId } from '../shared/branding/brand-assets.ts';
import {
  configEnvironmentNames,
  defaultAccentColor,
  parseSiteConfig,
  type SiteConfig,
  siteConfigToEnvironment,
} from '../shared/config.ts';
import { ConfigError } from '../shared/errors.ts';

/**
 * CDK context → validated settings of the publisher stack.
 *
 * Context comes from `cdk.json` (typed JSON values) or from `-c key=value` (always strings),
 * so every value is accepted in both shapes and validated ONCE here, by the same schema the
 * functions use at cold start (`parseSiteConfig` in shared/config.ts).
 */

/** Every context key the app reads, with what it means (documented in docs/infrastructure.md). */
export const contextKeys = {
  siteTitle: 'paper / site title in feeds and pages (SiteConfig.title)',
  domainName: 'custom domain of the distribution, e.g. feeds.qz.example.cn (needs certificateArn)',
  certificateArn: 'ACM certificate for domainName, in us-east-1 (CloudFront only reads it there)',
  timeZone: 'IANA time zone of the newsroom (only Asia/Shanghai is supported)',
  publicationTime: 'publication time of an issue, HH:MM Beijing time',
  windowIssues: 'issues held in each subscription document',
  maxFeedBytes: 'byte cap of each subscription document',
  maxUploadBytes: 'largest text upload accepted (page text, JSON, XML), bytes',
  maxImageBytes: 'largest photo or page image accepted, bytes (default 40 MiB)',
  maxImagePixels: 'most pixels (width × height) of a photo or page image (default 100000000)',
  maxPdfBytes: 'largest page facsimile PDF accepted, bytes (default 100 MiB)',
  websubHub: 'WebSub hub URL advertised in the feeds (optional)',
  sectionSlugs: 'JSON object 版名 → ASCII slug overriding the pinyin default',
  accentColor: 'accent colour #rrggbb (Feedly accentColor, theme-color, the default mark)',
  logo: 'path of the paper’s logo (SVG or PNG ≥ 512 px) the branding kit is made from (optional)',
  indexNowKey: 'IndexNow key (8–128 of A–Z a–z 0–9 -); enables IndexNow pings (optional)',
  idAuthority: 'tag: authority of item ids at the first publish (default: the site host; recorded after)',
  maxDaysAhead: 'issue dates more than this many days after the build date are refused (default 7)',
  firstIssueDate: 'issue dates before this YYYY-MM-DD are refused (default 1949-01-01)',
  alarmEmail: 'e-mail address subscribed to the alarm topic (optional)',
  deskEmail: 'e-mail address told of every rejected upload: key, error code, location (optional)',
  buildReservedConcurrency: 'reserved concurrency of the build function (optional, 1–100)',
  serveReservedConcurrency: 'reserved concurrency of the permalink function (1–1000, default 20; off: none)',
  logLevel: 'POWERTOOLS_LOG_LEVEL of both functions (DEBUG, INFO, WARN, ERROR; default INFO)',
} as const;

/** A context key the app reads. */
export type ContextKey = keyof typeof contextKeys;

/** What the stack needs: the site config plus deployment-only settings. */
export interface StackSettings {
  /**
   * Validated site config. When no `domainName` is given, `siteUrl` here is a syntactically valid
   * stand-in only: the real URL is the distribution's domain, known at deploy time (a token).
   */
  config: SiteConfig;
  /** Custom domain and its certificate, both or neither. */
  customDomain: { domainName: string; certificateArn: string } | undefined;
  alarmEmail: string | undefined;
  deskEmail: string | undefined;
  buildReservedConcurrency: number | undefined;
  /** Cap on the permalink function; `undefined` only when the context says `off`. */
  serveReservedConcurrency: number | undefined;
  logLevel: LogLevel;
}

/** Powertools log levels the functions accept. */
const logLevels = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof logLevels)[number];

/**
 * Default cap on concurrent permalink invocations. Pages are cached at the edge and a warm
 * instance answers in milliseconds, so 20 instances carry hundreds of uncached requests a second;
 * what the cap stops is a flood of distinct (cache-missing) URLs taking the account's whole
 * concurrency — and with it the build function's.
 */
const defaultServeReservedConcurrency = 20;

/** The part of a construct node this module needs (keeps it testable without an App). */
export interface ContextSource {
  tryGetContext(key: string): unknown;
}

// A CloudFront alias: lower-case DNS name, at least two labels, no trailing dot, no wildcard.
const domainNamePattern = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
// CloudFront only accepts certificates from us-east-1, whatever region the stack is in.
const certificateArnPattern = /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/;
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Stand-in site URL used to validate the rest of the config when the site URL is only known at
 * deploy time (the CloudFront domain). `.invalid` is reserved (RFC 2606): it can never leak as a
 * working link, and the stack never passes it to a function.
 */
export const deployTimeSiteUrlStandIn = 'https://distribution.invalid';

const optionalString = (source: ContextSource, key: ContextKey): string | undefined => {
  const value = source.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new ConfigError(`context ${key} must be a string, got ${typeof value}`);
  }
  return value.trim();
};

const optionalScalar = (source: ContextSource, key: ContextKey): string | number | undefined => {
  const value = source.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new ConfigError(`context ${key} must be a number, got ${typeof value}`);
  }
  return value;
};

const sectionSlugsFrom = (source: ContextSource): unknown => {
  const value = source.tryGetContext('sectionSlugs');
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch (cause) {
    throw new ConfigError('context sectionSlugs must be a JSON object of 版名 → slug', { cause });
  }
};

const customDomainFrom = (source: ContextSource): StackSettings['customDomain'] => {
  const domainName = optionalString(source, 'domainName')?.toLowerCase();
  const certificateArn = optionalString(source, 'certificateArn');
  if (domainName === undefined && certificateArn === undefined) return undefined;
  if (domainName === undefined || certificateArn === undefined) {
    throw new ConfigError('context domainName and certificateArn go together: give both or neither');
  }
  if (!domainNamePattern.test(domainName)) {
    throw new ConfigError(`context domainName is not a DNS name: ${domainName}`);
  }
  if (!certificateArnPattern.test(certificateArn)) {
    throw new ConfigError(
      'context certificateArn must be an ACM certificate ARN in us-east-1 (CloudFront reads certificates only there)',
    );
  }
  return { domainName, certificateArn };
};

const reservedConcurrencyFrom = (source: ContextSource): number | undefined => {
  const value = optionalScalar(source, 'buildReservedConcurrency');
  if (value === undefined) return undefined;
  const n = Number(value);
  // 0 would throttle every event (they age out to the failure queue): never what anyone wants.
  if (!Number.isInteger(n) || n < 1 || n > 100) {
    throw new ConfigError('context buildReservedConcurrency must be an integer from 1 to 100');
  }
  return n;
};

const serveConcurrencyFrom = (source: ContextSource): number | undefined => {
  const value = optionalScalar(source, 'serveReservedConcurrency');
  if (value === undefined) return defaultServeReservedConcurrency;
  // Accounts with the new-account quota of 10 cannot reserve any concurrency at all.
  if (value === 'off') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new ConfigError('context serveReservedConcurrency must be an integer from 1 to 1000, or off');
  }
  return n;
};

const logLevelFrom = (source: ContextSource): LogLevel => {
  const value = optionalString(source, 'logLevel')?.toUpperCase() ?? 'INFO';
  if (!(logLevels as readonly string[]).includes(value)) {
    throw new ConfigError(`context logLevel must be one of ${logLevels.join(', ')}, got ${value}`);
  }
  return value as LogLevel;
};

const emailFrom = (source: ContextSource, key: 'alarmEmail' | 'deskEmail'): string | undefined => {
  const email = optionalString(source, key);
  if (email !== undefined && !emailPattern.test(email)) {
    throw new ConfigError(`context ${key} is not an e-mail address: ${email}`);
  }
  return email;
};

/**
 * Read and validate every context key. Throws `ConfigError` naming the first bad key, so a
 * mistyped `-c` fails the synth instead of deploying a broken site.
 */
export const readStackSettings = (source: ContextSource): StackSettings => {
  const customDomain = customDomainFrom(source);
  const alarmEmail = emailFrom(source, 'alarmEmail');
  const input: Record<string, unknown> = {
    siteUrl: customDomain ? `https://${customDomain.domainName}` : deployTimeSiteUrlStandIn,
    title: optionalString(source, 'siteTitle'),
    timeZone: optionalString(source, 'timeZone'),
    publicationTime: optionalString(source, 'publicationTime'),
    windowIssues: optionalScalar(source, 'windowIssues'),
    maxFeedBytes: optionalScalar(source, 'maxFeedBytes'),
    maxUploadBytes: optionalScalar(source, 'maxUploadBytes'),
    maxImageBytes: optionalScalar(source, 'maxImageBytes'),
    maxImagePixels: optionalScalar(source, 'maxImagePixels'),
    maxPdfBytes: optionalScalar(source, 'maxPdfBytes'),
    websubHub: optionalString(source, 'websubHub'),
    sectionSlugs: sectionSlugsFrom(source),
    accentColor: optionalString(source, 'accentColor'),
    indexNowKey: optionalString(source, 'indexNowKey'),
    idAuthority: optionalString(source, 'idAuthority'),
    maxDaysAhead: optionalScalar(source, 'maxDaysAhead'),
    firstIssueDate: optionalString(source, 'firstIssueDate'),
  };
  // The kit's id is a hash of the logo (and colour): the functions name its icons without the
  // image; `npm run rebuild -- --logo <file>` writes them under that id.
  const logo = optionalString(source, 'logo');
  if (logo !== undefined) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(logo);
    } catch (cause) {
      throw new ConfigError(`context logo: cannot read ${logo}`, { cause });
    }
    input.brandKit = brandKitId(bytes, (input.accentColor as string | undefined) ?? defaultAccentColor);
  }
  // Absent keys take the schema's defaults; `undefined` values would not (strict object + default).
  for (const key of Object.keys(input)) if (input[key] === undefined) delete input[key];
  return {
    config: parseSiteConfig(input),
    customDomain,
    alarmEmail,
    deskEmail: emailFrom(source, 'deskEmail'),
    buildReservedConcurrency: reservedConcurrencyFrom(source),
    serveReservedConcurrency: serveConcurrencyFrom(source),
    logLevel: logLevelFrom(source),
  };
};

/**
 * Function environment for a config, with the site URL the functions must use. `siteUrl` may be
 * a CDK token (the distribution's domain), which is why it is passed apart from the validated
 * config instead of through the schema.
 */
export const functionEnvironment = (
  config: SiteConfig,
  siteUrl: string | undefined,
): Record<string, string> => {
  const name = configEnvironmentNames.siteUrl;
  // The validated config's siteUrl may be the stand-in: never hand it to a function.
  const env = Object.fromEntries(Object.entries(siteConfigToEnvironment(config)).filter(([k]) => k !== name));
  return siteUrl === undefined ? env : { ...env, [name]: siteUrl };
};
