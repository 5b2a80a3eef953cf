import type { Clock } from '../clock.ts';
import { configFingerprint, type SiteConfig } from '../config.ts';
import { StorageError, StoredRecordError } from '../errors.ts';
import type { Log } from '../log.ts';
import { formatChineseDateTime } from '../pages/beijing-time.ts';
import { pageStyleHash } from '../pages/page-style.ts';
import { pageRendererVersion, renderArticlePage } from '../pages/render-article-page.ts';
import { renderIssuePage } from '../pages/render-issue-page.ts';
import { renderStatusPage, type StatusPage } from '../pages/render-status-page.ts';
import { articleKey, articleUrl, issueKey, issueUrl, latestIssueKey } from '../site-layout.ts';
import type { Store, StoredObject } from '../storage/store.ts';
import {
  cacheControlFor,
  httpDate,
  isNotModified,
  lastModifiedOf,
  longMaxAge,
  representationEtag,
  shortCacheControl,
} from './http-caching.ts';
import { prefersJson } from './negotiate.ts';
import { rawPathOf } from './raw-request.ts';
import type { CachedRepresentation, RenderCache } from './render-cache.ts';
import { parseRoute, type Route } from './route.ts';
import { parseArticleRecord, parsePublishedIssue } from './stored-record.ts';

/** What serving needs: the site store (read only), config, clock ("today"), log. */
export interface ServeDeps {
  site: Store;
  config: SiteConfig;
  clock: Clock;
  log: Log;
  /** Rendered pages of a warm instance (see render-cache.ts); without it every hit renders. */
  cache?: RenderCache;
}

/**
 * Scripts are forbidden outright; the one inline stylesheet is allowed by its hash; images only
 * from the site itself (the branding kit's favicons: Firefox applies img-src to them).
 */
const contentSecurityPolicy = `default-src 'none'; style-src ${pageStyleHash}; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

/** Headers on every answer, whatever the status. */
export const securityHeaders: Readonly<Record<string, string>> = {
  'content-security-policy': contentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-frame-options': 'DENY',
};

const allowedMethods = 'GET, HEAD';

const htmlType = 'text/html; charset=utf-8';
const jsonType = 'application/json; charset=utf-8';
const encoder = new TextEncoder();

type Representation = 'html' | 'json';

const respond = (
  request: Request,
  status: number,
  headers: Record<string, string>,
  body?: string | Uint8Array,
): Response => {
  const all = new Headers({ ...securityHeaders, ...headers });
  if (body === undefined || status === 304) return new Response(null, { status, headers: all });
  // Stored bodies are plain ArrayBuffer-backed bytes; the cast only narrows the generic.
  const bytes = (typeof body === 'string' ? encoder.encode(body) : body) as Uint8Array<ArrayBuffer>;
  all.set('content-length', String(bytes.byteLength));
  // HEAD: same headers as GET (Content-Length included), no body.
  return new Response(request.method === 'HEAD' ? null : bytes, { status, headers: all });
};

/** A status answer in the representation the client asked for. */
const statusAnswer = (
  deps: ServeDeps,
  request: Request,
  status: number,
  representation: Representation,
  page: StatusPage,
  headers: Record<string, string>,
  json: Record<string, unknown> = {},
) =>
  representation === 'json'
    ? respond(
        request,
        status,
        { 'content-type': jsonType, ...headers },
        JSON.stringify({ status, error: page.title, ...json }),
      )
    : respond(request, status, { 'content-type': htmlType, ...headers }, renderStatusPage(deps.config, page));

/** 200 or 304 for a found object, with validators and freshness. */
const answerFound = (
  request: Request,
  args: {
    etag: string;
    lastModified: Date;
    cacheControl: string;
    contentType: string;
    vary: boolean;
    extra?: Record<string, string>;
    body: Uint8Array;
  },
) => {
  const headers: Record<string, string> = {
    etag: args.etag,
    'last-modified': httpDate(args.lastModified),
    'cache-control': args.cacheControl,
    ...(args.vary ? { vary: 'Accept' } : {}),
    ...args.extra,
  };
  if (isNotModified(request.headers, args.etag, args.lastModified)) return respond(request, 304, headers);
  return respond(request, 200, { 'content-type': args.contentType, ...headers }, args.body);
};

const jsonHeaders = (canonical: string) => ({
  // Public data: let browser-based tools read it; no credentials are involved.
  'access-control-allow-origin': '*',
  link: `<${canonical}>; rel="canonical"`,
});

const serveArticle = async (
  deps: ServeDeps,
  request: Request,
  route: Extract<Route, { kind: 'article' }>,
  representation: Representation,
) => {
  const { config } = deps;
  const now = deps.clock();
  const key = articleKey(route.date, route.id);
  const stored = await deps.site.get(key);
  const toc = issueUrl(config.siteUrl, route.date);
  const vary: Record<string, string> = route.jsonSuffix ? {} : { vary: 'Accept' };
  if (stored === undefined)
    return statusAnswer(
      deps,
      request,
      404,
      representation,
      {
        title: '找不到这篇文章',
        message: '这个网址没有对应的文章：可能网址有误，或这篇文章尚未发布。',
        links: [{ href: toc, label: `${route.date} 这一期的目录` }],
      },
      { 'cache-control': shortCacheControl, ...vary },
    );
  const cacheControl = cacheControlFor(route.date, now);
  const etag = representationEtag(
    stored.etag,
    representation,
    pageRendererVersion,
    configFingerprint(config),
  );
  let found: CachedRepresentation | undefined = deps.cache?.get(etag);
  if (found === undefined) {
    const record = parseArticleRecord(key, stored.body, route.date, route.id);
    if (record.article.status === 'retracted') {
      const when = record.article.retractedAt ? formatChineseDateTime(record.article.retractedAt) : undefined;
      return statusAnswer(
        deps,
        request,
        410,
        representation,
        {
          title: '这篇文章已撤回',
          message: '这篇文章已从本期撤回，不再提供阅读。',
          ...(when ? { details: [`撤回时间：${when}（北京时间）`] } : {}),
          links: [{ href: toc, label: `${route.date} 这一期的目录` }],
        },
        { 'cache-control': cacheControl, ...vary },
        record.article.retractedAt ? { retractedAt: record.article.retractedAt } : {},
      );
    }
    found = {
      body: representation === 'json' ? stored.body : encoder.encode(renderArticlePage(record, config)),
      contentTime: record.article.updated,
      issueDate: record.date,
    };
    deps.cache?.set(etag, found);
  }
  const canonical = articleUrl(config.siteUrl, route.date, route.id);
  return answerFound(request, {
    etag,
    lastModified: lastModifiedOf(found.contentTime, stored.lastModified, now),
    cacheControl,
    contentType: representation === 'json' ? jsonType : htmlType,
    vary: !route.jsonSuffix,
    ...(representation === 'json' ? { extra: jsonHeaders(canonical) } : {}),
    body: found.body,
  });
};

const serveIssue = async (
  deps: ServeDeps,
  request: Request,
  route: Extract<Route, { kind: 'issue' | 'home' }>,
  representation: Representation,
) => {
  const { config } = deps;
  const now = deps.clock();
  const home = route.kind === 'home';
  const key = home ? latestIssueKey : issueKey(route.date);
  const stored: StoredObject | undefined = await deps.site.get(key);
  if (stored === undefined)
    return statusAnswer(
      deps,
      request,
      404,
      representation,
      home
        ? { title: '还没有发布任何一期', message: '报纸发布后，最新一期的目录会出现在这里。' }
        : { title: '找不到这一期', message: `${route.date} 这一期尚未发布，或这一天没有出版。` },
      { 'cache-control': shortCacheControl, vary: 'Accept' },
    );
  const etag = representationEtag(
    stored.etag,
    representation,
    home ? 'home' : 'issue',
    pageRendererVersion,
    configFingerprint(config),
  );
  let found: CachedRepresentation | undefined = deps.cache?.get(etag);
  if (found === undefined) {
    const issue = parsePublishedIssue(key, stored.body, home ? undefined : route.date);
    found = {
      body:
        representation === 'json' ? stored.body : encoder.encode(renderIssuePage(issue, config, { home })),
      contentTime: issue.updated,
      issueDate: issue.date,
    };
    deps.cache?.set(etag, found);
  }
  const canonical = home ? `${config.siteUrl}/` : issueUrl(config.siteUrl, found.issueDate);
  return answerFound(request, {
    etag,
    lastModified: lastModifiedOf(found.contentTime, stored.lastModified, now),
    cacheControl: home ? shortCacheControl : cacheControlFor(found.issueDate, now),
    contentType: representation === 'json' ? jsonType : htmlType,
    vary: true,
    ...(representation === 'json' ? { extra: jsonHeaders(canonical) } : {}),
    body: found.body,
  });
};

const route = async (deps: ServeDeps, request: Request, parsed: Route): Promise<Response> => {
  const representation: Representation =
    (parsed.kind === 'article' && parsed.jsonSuffix) || prefersJson(request.headers.get('accept'))
      ? 'json'
      : 'html';
  switch (parsed.kind) {
    case 'redirect':
      return respond(
        request,
        301,
        {
          location: `${deps.config.siteUrl}${parsed.path}`,
          'cache-control': `public, max-age=${longMaxAge}`,
        },
        '',
      );
    case 'bad-request':
      return statusAnswer(
        deps,
        request,
        400,
        representation,
        {
          title: '网址格式不正确',
          message: '文章网址的格式是 /articles/年-月-日/文章编号，例如 /articles/2024-11-30/p1-1a2b3c4d。',
          ...(parsed.date
            ? {
                links: [
                  { href: issueUrl(deps.config.siteUrl, parsed.date), label: `${parsed.date} 这一期的目录` },
                ],
              }
            : {}),
        },
        { 'cache-control': `public, max-age=${longMaxAge}`, vary: 'Accept' },
      );
    case 'not-found':
      return statusAnswer(
        deps,
        request,
        404,
        representation,
        { title: '找不到这个页面', message: '这个网址没有对应的页面。' },
        { 'cache-control': shortCacheControl, vary: 'Accept' },
      );
    case 'article':
      return serveArticle(deps, request, parsed, representation);
    case 'issue':
    case 'home':
      return serveIssue(deps, request, parsed, representation);
  }
};

/** The 405 answer (also used by adapters for methods a Request cannot represent). */
export const methodNotAllowed = (config: SiteConfig, head = false) => {
  const body = renderStatusPage(config, {
    title: '不支持的请求方法',
    message: '这里只提供阅读：请用 GET 或 HEAD。',
  });
  const bytes = encoder.encode(body);
  return new Response(head ? null : bytes, {
    status: 405,
    headers: {
      ...securityHeaders,
      allow: allowedMethods,
      'cache-control': 'no-store',
      'content-type': htmlType,
      'content-length': String(bytes.byteLength),
    },
  });
};

/**
 * The permalink use case: one web-standard request in, one response out, at most one storage
 * read. Routes: `/` (latest issue's contents), `/articles/<date>/` (an issue's contents),
 * `/articles/<date>/<id>` (HTML, or JSON by Accept or `.json`). Errors become 500/503 pages
 * without details; the log gets the key and the error.
 */
export const serveRequest = async (deps: ServeDeps, request: Request): Promise<Response> => {
  if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed(deps.config);
  const rawPath = rawPathOf(request);
  const parsed = parseRoute(rawPath);
  try {
    const response = await route(deps, request, parsed);
    if (response.status >= 400)
      deps.log.info('request refused', { status: response.status, route: parsed.kind });
    return response;
  } catch (error) {
    const transient = error instanceof StorageError;
    deps.log.error('request failed', {
      route: parsed.kind,
      error: error instanceof Error ? error.message : String(error),
      kind: error instanceof StoredRecordError ? 'stored-record' : transient ? 'storage' : 'unexpected',
    });
    return respond(
      request,
      transient ? 503 : 500,
      { 'content-type': htmlType, 'cache-control': 'no-store', ...(transient ? { 'retry-after': '5' } : {}) },
      renderStatusPage(deps.config, { title: '服务暂时不可用', message: '请稍后再试。' }),
    );
  }
};
