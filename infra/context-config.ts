import {
  configEnvironmentNames,
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
  maxUploadBytes: 'largest upload accepted',
  websubHub: 'WebSub hub URL advertised in the feeds (optional)',
  sectionSlugs: 'JSON object 版名 → ASCII slug overriding the pinyin default',
  idAuthority: 'tag: authority of item ids at the first publish (default: the site host; recorded after)',
  maxDaysAhead: 'issue dates more than this many days after the build date are refused (default 7)',
  firstIssueDate: 'issue dates before this YYYY-MM-DD are refused (default 1949-01-01)',
  alarmEmail: 'e-mail address subscribed to the alarm topic (optional)',
  buildReservedConcurrency: 'reserved concurrency of the build function (optional, 1–100)',
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
  buildReservedConcurrency: number | undefined;
}

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

/**
 * Read and validate every context key. Throws `ConfigError` naming the first bad key, so a
 * mistyped `-c` fails the synth instead of deploying a broken site.
 */
export const readStackSettings = (source: ContextSource): StackSettings => {
  const customDomain = customDomainFrom(source);
  const alarmEmail = optionalString(source, 'alarmEmail');
  if (alarmEmail !== undefined && !emailPattern.test(alarmEmail)) {
    throw new ConfigError(`context alarmEmail is not an e-mail address: ${alarmEmail}`);
  }
  const input: Record<string, unknown> = {
    siteUrl: customDomain ? `https://${customDomain.domainName}` : deployTimeSiteUrlStandIn,
    title: optionalString(source, 'siteTitle'),
    timeZone: optionalString(source, 'timeZone'),
    publicationTime: optionalString(source, 'publicationTime'),
    windowIssues: optionalScalar(source, 'windowIssues'),
    maxFeedBytes: optionalScalar(source, 'maxFeedBytes'),
    maxUploadBytes: optionalScalar(source, 'maxUploadBytes'),
    websubHub: optionalString(source, 'websubHub'),
    sectionSlugs: sectionSlugsFrom(source),
    idAuthority: optionalString(source, 'idAuthority'),
    maxDaysAhead: optionalScalar(source, 'maxDaysAhead'),
    firstIssueDate: optionalString(source, 'firstIssueDate'),
  };
  // Absent keys take the schema's defaults; `undefined` values would not (strict object + default).
  for (const key of Object.keys(input)) if (input[key] === undefined) delete input[key];
  return {
    config: parseSiteConfig(input),
    customDomain,
    alarmEmail,
    buildReservedConcurrency: reservedConcurrencyFrom(source),
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
