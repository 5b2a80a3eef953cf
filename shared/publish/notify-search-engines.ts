import type { SiteConfig } from '../config.ts';
import { ConfigError } from '../errors.ts';
import type { Log } from '../log.ts';
import { articleUrl, indexNowKeyFile, issueUrl, keyOfKind, siteFileUrl } from '../site-layout.ts';

/**
 * Search-engine pings after a publish that changed articles, optional like WebSub (notify-hub.ts):
 *
 * - IndexNow (Bing, Yandex, Seznam, Naver…): one JSON POST `{host, key, keyLocation, urlList}`;
 *   the engines fetch `keyLocation` (`/<key>.txt`, written with robots.txt) to check the key.
 * - Baidu's URL submission (站长平台 普通收录 API push): `POST <endpoint>?site=<site>&token=<token>`,
 *   one URL per line. The token is a credential: it is never logged, and a failure's message is
 *   stripped of it before it is.
 *
 * Best effort and bounded: each ping has a time limit, failures are warnings, nothing is thrown —
 * the publish is done, and a thrown error would make Lambda retry it. Retracted articles are sent
 * too: their permalinks now answer 410, which is what engines should come and see.
 */

export interface SearchPingConfig {
  indexNow?: { endpoint: string; key: string };
  baidu?: { endpoint: string; token: string };
}

/** Environment of the build function (the token stays out of SiteConfig and the site store). */
const searchPingEnvironmentNames = {
  indexNowEndpoint: 'INDEXNOW_ENDPOINT',
  baiduEndpoint: 'BAIDU_PUSH_ENDPOINT',
  baiduToken: 'BAIDU_PUSH_TOKEN',
} as const;

export const defaultIndexNowEndpoint = 'https://api.indexnow.org/indexnow';
const defaultBaiduEndpoint = 'http://data.zz.baidu.com/urls';

/** Per-request time limit, as for the WebSub hub: a slow third party must not hold the build. */
const searchPingTimeoutMs = 3000;
/** IndexNow takes up to 10,000 URLs per request; Baidu's quota is per day. */
const maxUrlsPerPing = 10_000;

const endpointUrl = (name: string, value: string) => {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value;
  } catch {
    // reported below
  }
  throw new ConfigError(`${name} must be an http(s) URL`);
};

/** Which pings to send: IndexNow when the site has a key, Baidu when a token is set. */
export const searchPingConfigFromEnvironment = (
  env: Record<string, string | undefined>,
  config: SiteConfig,
): SearchPingConfig => {
  const pings: SearchPingConfig = {};
  if (config.indexNowKey !== undefined) {
    const endpoint = env[searchPingEnvironmentNames.indexNowEndpoint] || defaultIndexNowEndpoint;
    pings.indexNow = { endpoint: endpointUrl('INDEXNOW_ENDPOINT', endpoint), key: config.indexNowKey };
  }
  const token = env[searchPingEnvironmentNames.baiduToken];
  if (token) {
    const endpoint = env[searchPingEnvironmentNames.baiduEndpoint] || defaultBaiduEndpoint;
    pings.baidu = { endpoint: endpointUrl('BAIDU_PUSH_ENDPOINT', endpoint), token };
  }
  return pings;
};

/**
 * Permalinks of the article records a publish wrote (new, corrected or retracted), each once,
 * plus the contents page of each date they belong to.
 */
export const changedPermalinks = (siteUrl: string, written: readonly string[]): string[] => {
  const urls = new Set<string>();
  for (const key of written) {
    const record = keyOfKind(key, 'article');
    if (record === undefined) continue;
    const { date, id } = record;
    urls.add(articleUrl(siteUrl, date, id));
    urls.add(issueUrl(siteUrl, date));
  }
  return [...urls];
};

export interface NotifySearchEnginesDeps {
  fetch: typeof fetch;
  log: Log;
  config: SiteConfig;
  pings: SearchPingConfig;
  timeoutMs?: number;
}

interface Ping {
  engine: 'IndexNow' | 'Baidu';
  /** For the log: never carries the token. */
  endpoint: string;
  request: () => Promise<Response>;
  secret?: string;
}

/** Send every configured ping in parallel; resolves when all have answered or timed out. */
export const notifySearchEngines = async (deps: NotifySearchEnginesDeps, urls: readonly string[]) => {
  if (urls.length === 0) return;
  const list = urls.slice(0, maxUrlsPerPing);
  const signal = () => AbortSignal.timeout(deps.timeoutMs ?? searchPingTimeoutMs);
  const site = new URL(deps.config.siteUrl);
  const pings: Ping[] = [];
  const { indexNow, baidu } = deps.pings;
  if (indexNow !== undefined) {
    pings.push({
      engine: 'IndexNow',
      endpoint: indexNow.endpoint,
      request: () =>
        deps.fetch(indexNow.endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: JSON.stringify({
            host: site.host,
            key: indexNow.key,
            keyLocation: siteFileUrl(deps.config.siteUrl, indexNowKeyFile(indexNow.key)),
            urlList: list,
          }),
          signal: signal(),
        }),
    });
  }
  if (baidu !== undefined) {
    const target = new URL(baidu.endpoint);
    // Baidu names the site as registered in 站长平台: scheme and host for an https site.
    target.searchParams.set(
      'site',
      site.protocol === 'https:' ? `${site.protocol}//${site.host}` : site.host,
    );
    target.searchParams.set('token', baidu.token);
    pings.push({
      engine: 'Baidu',
      endpoint: baidu.endpoint,
      secret: baidu.token,
      request: () =>
        deps.fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'text/plain; charset=utf-8' },
          body: list.join('\n'),
          signal: signal(),
        }),
    });
  }
  await Promise.all(
    pings.map(async (ping) => {
      try {
        const response = await ping.request();
        await response.body?.cancel().catch(() => {});
        if (!response.ok) throw new Error(`${ping.engine} answered ${response.status}`);
        deps.log.info('search engine notified', { engine: ping.engine, urls: list.length });
      } catch (error) {
        // Caught broadly on purpose: every failure of a third-party ping is the same warning.
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        deps.log.warn('search engine notification failed; it will find the change in the sitemaps', {
          engine: ping.engine,
          endpoint: ping.endpoint,
          error: ping.secret === undefined ? message : message.replaceAll(ping.secret, '***'),
        });
      }
    }),
  );
};
