import { describe, expect, it } from 'vitest';
import { StorageError } from '../../shared/errors.ts';
import { silentLog } from '../../shared/log.ts';
import { pageStyleHash } from '../../shared/pages/page-style.ts';
import { createRawRequest } from '../../shared/serve/raw-request.ts';
import { serveRequest } from '../../shared/serve/serve-request.ts';
import { articleKey, issueKey, latestIssueKey } from '../../shared/site-layout.ts';
import { MemoryStore } from '../../shared/storage/memory-store.ts';
import type { Store } from '../../shared/storage/store.ts';
import {
  CountingStore,
  fixtureDeps,
  fixtureIds,
  fixtureIssue,
  laterClock,
  recordOf,
  sameDayClock,
  testConfig,
} from './serve-fixtures.ts';

const base = 'https://abc.lambda-url.ap-east-1.on.aws';
const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  createRawRequest({ method, rawPath: path, origin: base, headers: Object.entries(headers) })!;

const article = `/articles/2024-11-30/${fixtureIds.first}`;

describe('serveRequest', () => {
  it('answers an article as an HTML page with validators, freshness and security headers', async () => {
    const { deps, site } = await fixtureDeps();
    const response = await serveRequest(deps, get(article));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(response.headers.get('last-modified')).toBe('Fri, 29 Nov 2024 21:00:00 GMT');
    expect(response.headers.get('cache-control')).toBe('public, max-age=86400, stale-if-error=86400');
    expect(response.headers.get('vary')).toBe('Accept');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`style-src ${pageStyleHash}`);
    expect(csp).not.toContain('script-src');
    expect(csp).toContain("frame-ancestors 'none'");
    const body = await response.text();
    expect(body).toContain('<h1>第1篇 新闻标题</h1>');
    expect(Number(response.headers.get('content-length'))).toBe(new TextEncoder().encode(body).byteLength);
    expect(site.reads).toEqual([articleKey('2024-11-30', fixtureIds.first)]);
  });

  it('answers the stored record as JSON for Accept: application/json, varying on Accept', async () => {
    const { deps } = await fixtureDeps();
    const response = await serveRequest(deps, get(article, { accept: 'application/json' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('vary')).toBe('Accept');
    const record = await response.json();
    expect(record.article.id).toBe(fixtureIds.first);
    expect(record.page.section).toBe('要闻');
  });

  it('answers JSON for the .json suffix without varying on Accept', async () => {
    const { deps } = await fixtureDeps();
    const response = await serveRequest(deps, get(`${article}.json`, { accept: 'text/html' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('vary')).toBeNull();
    expect(response.headers.get('link')).toBe(`<https://news.example.cn${article}>; rel="canonical"`);
    expect((await response.json()).article.title).toBe('第1篇 新闻标题');
  });

  it('gives HTML and JSON different strong ETags', async () => {
    const { deps } = await fixtureDeps();
    const html = await serveRequest(deps, get(article));
    const json = await serveRequest(deps, get(`${article}.json`));
    const negotiated = await serveRequest(deps, get(article, { accept: 'application/json' }));
    expect(html.headers.get('etag')).not.toBe(json.headers.get('etag'));
    expect(json.headers.get('etag')).toBe(negotiated.headers.get('etag'));
    expect(html.headers.get('etag')).not.toMatch(/^W\//);
  });

  it('answers 304 to a matching If-None-Match, keeping validators and Cache-Control', async () => {
    const { deps } = await fixtureDeps();
    const first = await serveRequest(deps, get(article));
    const etag = first.headers.get('etag')!;
    const again = await serveRequest(deps, get(article, { 'if-none-match': `"other", ${etag}` }));
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('cache-control')).toBe(first.headers.get('cache-control'));
    expect(await again.text()).toBe('');
  });

  it('answers 200 when If-None-Match names the other representation', async () => {
    const { deps } = await fixtureDeps();
    const json = await serveRequest(deps, get(`${article}.json`));
    const html = await serveRequest(deps, get(article, { 'if-none-match': json.headers.get('etag')! }));
    expect(html.status).toBe(200);
  });

  it('answers 304 to If-Modified-Since at or after Last-Modified, at second granularity', async () => {
    const { deps } = await fixtureDeps();
    const same = await serveRequest(
      deps,
      get(article, { 'if-modified-since': 'Fri, 29 Nov 2024 21:00:00 GMT' }),
    );
    expect(same.status).toBe(304);
    const earlier = await serveRequest(
      deps,
      get(article, { 'if-modified-since': 'Fri, 29 Nov 2024 20:59:59 GMT' }),
    );
    expect(earlier.status).toBe(200);
  });

  it('lets If-None-Match win over If-Modified-Since', async () => {
    const { deps } = await fixtureDeps();
    const response = await serveRequest(
      deps,
      get(article, { 'if-none-match': '"stale"', 'if-modified-since': 'Sat, 30 Nov 2024 00:00:00 GMT' }),
    );
    expect(response.status).toBe(200);
  });

  it('caches today’s issue briefly, taking today in Beijing time', async () => {
    // 07:30 in Beijing is still 29 November in UTC: a UTC "today" would call the issue old.
    const { deps } = await fixtureDeps(sameDayClock);
    const response = await serveRequest(deps, get(article));
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
  });

  it('never sends a Last-Modified after now (an issue published before its date)', async () => {
    const { deps } = await fixtureDeps(() => new Date('2024-11-29T20:00:00+08:00'));
    const response = await serveRequest(deps, get(article));
    expect(response.headers.get('last-modified')).toBe('Fri, 29 Nov 2024 12:00:00 GMT');
  });

  it('answers HEAD with the GET headers and no body', async () => {
    const { deps } = await fixtureDeps();
    const getResponse = await serveRequest(deps, get(article));
    const head = await serveRequest(deps, get(article, {}, 'HEAD'));
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
    expect(head.headers.get('content-length')).toBe(getResponse.headers.get('content-length'));
    expect(head.headers.get('etag')).toBe(getResponse.headers.get('etag'));
  });

  it('answers 404 with a page linking to the issue and the latest issue', async () => {
    const { deps, site } = await fixtureDeps();
    const response = await serveRequest(deps, get('/articles/2024-11-30/p9-deadbeef'));
    expect(response.status).toBe(404);
    const body = await response.text();
    expect(body).toContain('找不到这篇文章');
    expect(body).toContain('href="https://news.example.cn/articles/2024-11-30/"');
    expect(body).toContain('href="https://news.example.cn/"');
    expect(site.reads).toHaveLength(1);
  });

  it('answers 404 as JSON when JSON was asked for', async () => {
    const { deps } = await fixtureDeps();
    const response = await serveRequest(deps, get('/articles/2024-11-30/p9-deadbeef.json'));
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect((await response.json()).status).toBe(404);
  });

  it('answers 410 Gone for a retracted article, in HTML and JSON', async () => {
    const { deps } = await fixtureDeps();
    const path = `/articles/2024-11-30/${fixtureIds.retracted}`;
    const html = await serveRequest(deps, get(path));
    expect(html.status).toBe(410);
    const body = await html.text();
    expect(body).toContain('这篇文章已撤回');
    expect(body).toContain('2024年11月30日 09:15');
    expect(body).not.toContain('第6篇 新闻标题');
    const json = await serveRequest(deps, get(`${path}.json`));
    expect(json.status).toBe(410);
    expect((await json.json()).retractedAt).toBe('2024-11-30T09:15:00+08:00');
  });

  it('redirects equivalent spellings permanently to the canonical URL', async () => {
    const { deps, site } = await fixtureDeps();
    const cases: Array<[string, string]> = [
      [`${article}/`, article],
      [`/ARTICLES/2024-11-30/${fixtureIds.first.toUpperCase()}`, article],
      [`/articles/2024-11-30/${fixtureIds.first}.JSON`, `${article}.json`],
      ['/articles/2024-11-30', '/articles/2024-11-30/'],
      ['/articles/2024%2D11%2D30/', '/articles/2024-11-30/'],
      ['/articles/', '/'],
      ['/index.html', '/'],
    ];
    for (const [from, to] of cases) {
      const response = await serveRequest(deps, get(from));
      expect(response.status, from).toBe(301);
      expect(response.headers.get('location'), from).toBe(`https://news.example.cn${to}`);
    }
    expect(site.reads).toEqual([]);
  });

  it('rejects traversal and malformed paths with 400 before reading storage', async () => {
    const { deps, site } = await fixtureDeps();
    const paths = [
      '/articles/2024-11-30/../../issues/latest',
      '/articles/2024-11-30/%2e%2e/%2e%2e/issues/latest',
      '/articles/2024-11-30/%2E%2E%2Fissues%2Flatest',
      '/articles/2024-11-30/..%2f..%2fissues',
      '/articles/2024-11-30/%252e%252e%252fissues',
      '/articles/2024-11-30/..\\..\\issues',
      '/articles/2024-11-30/%5c..%5cissues',
      '/articles/2024-11-30/p1-abc%00.json',
      '/articles/2024-11-30/p1-abc\u0000',
      '/articles/2024-11-30//p1-abc',
      '/articles/2024-11-30/./p1-abc',
      `/articles/2024-11-30/${'a'.repeat(65)}`,
      `/articles/2024-11-30/${'a'.repeat(600)}`,
      '/articles/2024-02-30/p1-abc',
      '/articles/2024-1-30/p1-abc',
      '/articles/2024-11-30/p1_abc',
      '/articles/2024-11-30/-p1',
      '/articles/2024-11-30/p1-abc/extra',
      '/articles/2024-11-30/%e6%96%87',
      '/articles/2024-11-30/%e6%96',
      '/articles/2024-11-30/%zz',
    ];
    for (const path of paths) {
      const response = await serveRequest(deps, get(path));
      expect(response.status, JSON.stringify(path)).toBe(400);
      expect(await response.text()).not.toContain('issues/latest');
    }
    expect(site.reads).toEqual([]);
  });

  it('answers 400 as JSON when JSON was asked for, varying on Accept', async () => {
    const { deps } = await fixtureDeps();
    const response = await serveRequest(
      deps,
      get('/articles/2024-13-01/p1-abc', { accept: 'application/json' }),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('vary')).toBe('Accept');
    expect((await response.json()).status).toBe(400);
  });

  it('answers 405 with Allow for methods other than GET and HEAD', async () => {
    const { deps, site } = await fixtureDeps();
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
      const response = await serveRequest(deps, get(article, {}, method));
      expect(response.status, method).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect(site.reads).toEqual([]);
  });

  it('answers an issue’s table of contents from one read of the issue', async () => {
    const { deps, site } = await fixtureDeps();
    const response = await serveRequest(deps, get('/articles/2024-11-30/'));
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain(`href="https://news.example.cn${article}"`);
    expect(body).toContain('id="page-2"');
    expect(site.reads).toEqual([issueKey('2024-11-30')]);
  });

  it('answers the home page from the latest issue, briefly cached', async () => {
    const { deps, site } = await fixtureDeps();
    const response = await serveRequest(deps, get('/'));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    const body = await response.text();
    expect(body).toContain('最新一期');
    expect(body).toContain('href="https://news.example.cn/feeds.opml"');
    expect(body).toContain('<link rel="canonical" href="https://news.example.cn/">');
    expect(site.reads).toEqual([latestIssueKey]);
  });

  it('answers the issue as JSON when asked', async () => {
    const { deps } = await fixtureDeps();
    const response = await serveRequest(deps, get('/articles/2024-11-30/', { accept: 'application/json' }));
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect((await response.json()).date).toBe('2024-11-30');
  });

  it('answers 404 for an unpublished issue and for an empty site', async () => {
    const { deps } = await fixtureDeps();
    expect((await serveRequest(deps, get('/articles/2024-12-01/'))).status).toBe(404);
    const empty = { ...deps, site: new MemoryStore() };
    const home = await serveRequest(empty, get('/'));
    expect(home.status).toBe(404);
    expect(await home.text()).toContain('还没有发布任何一期');
  });

  it('answers 404 for unknown paths without reading storage', async () => {
    const { deps, site } = await fixtureDeps();
    expect((await serveRequest(deps, get('/favicon.ico'))).status).toBe(404);
    expect(site.reads).toEqual([]);
  });

  it('answers 503 without details when storage fails, and logs the failure', async () => {
    const failing: Store = {
      get: async () => {
        throw new StorageError('socket hang up at 10.0.0.1');
      },
      put: async () => ({ etag: '""' }),
      delete: async () => {},
      list: async function* () {},
    };
    const errors: unknown[] = [];
    const log = { ...silentLog, error: (_m: string, f?: Record<string, unknown>) => errors.push(f) };
    const response = await serveRequest(
      { site: failing, config: testConfig, clock: laterClock, log },
      get(article),
    );
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.text()).not.toContain('10.0.0.1');
    expect(errors).toHaveLength(1);
  });

  it('answers 500 for a record stored under another permalink', async () => {
    const site = new CountingStore();
    const issue = fixtureIssue();
    await site.put(
      articleKey('2024-11-30', 'p1-other'),
      JSON.stringify(recordOf(issue, issue.pages[0]!.articles[0]!)),
      { contentType: 'application/json', cacheControl: 'no-cache' },
    );
    const response = await serveRequest(
      { site, config: testConfig, clock: laterClock, log: silentLog },
      get('/articles/2024-11-30/p1-other'),
    );
    expect(response.status).toBe(500);
  });
});
