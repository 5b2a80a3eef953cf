import { readFileSync } from 'node:fs';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHandler, handler } from '../../functions/serve-article/handler.ts';
import { fixtureDeps, fixtureIds } from '../serve/serve-fixtures.ts';

/** A Function URL (payload 2.0) event from test/fixtures/function-url/. */
const event = (name: string): LambdaFunctionURLEvent =>
  JSON.parse(
    readFileSync(new URL(`../fixtures/function-url/${name}.json`, import.meta.url), 'utf8'),
  ) as LambdaFunctionURLEvent;

const setup = async () => {
  const { deps, site } = await fixtureDeps();
  return { handle: createHandler(deps), site };
};

const site = 'https://news.example.cn';
const article = `/articles/2024-11-30/${fixtureIds.first}`;

describe('serve-article handler', () => {
  it('imports without environment or AWS access', () => {
    expect(typeof handler).toBe('function');
  });

  it('answers an article page (200 HTML) with security headers, ignoring tracking queries', async () => {
    const { handle, site: store } = await setup();
    const result = await handle(event('get-article'));
    expect(result.statusCode).toBe(200);
    expect(result.isBase64Encoded).toBe(false);
    expect(result.headers?.['content-type']).toBe('text/html; charset=utf-8');
    expect(result.headers?.vary).toBe('Accept');
    expect(result.headers?.['x-content-type-options']).toBe('nosniff');
    expect(result.headers?.['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(result.headers?.['content-security-policy']).toMatch(
      /^default-src 'none'; style-src 'sha256-[^']+'/,
    );
    expect(result.body).toContain('<h1>第1篇 新闻标题</h1>');
    expect(store.reads).toHaveLength(1);
  });

  it('answers JSON by Accept and by the .json suffix', async () => {
    const { handle } = await setup();
    const byAccept = await handle(event('get-article-accept-json'));
    expect(byAccept.statusCode).toBe(200);
    expect(byAccept.headers?.['content-type']).toBe('application/json; charset=utf-8');
    expect(byAccept.headers?.vary).toBe('Accept');
    expect(JSON.parse(byAccept.body!).article.id).toBe(fixtureIds.first);
    const bySuffix = await handle(event('get-article-json-suffix'));
    expect(bySuffix.statusCode).toBe(200);
    expect(JSON.parse(bySuffix.body!).article.id).toBe(fixtureIds.first);
    expect(bySuffix.headers?.etag).toBe(byAccept.headers?.etag);
  });

  it('answers 304 by ETag and by date', async () => {
    const { handle } = await setup();
    const first = await handle(event('get-article'));
    const conditional = event('get-article-if-none-match');
    conditional.headers['if-none-match'] = String(first.headers?.etag);
    const byEtag = await handle(conditional);
    expect(byEtag.statusCode).toBe(304);
    expect(byEtag.body).toBe('');
    expect(byEtag.headers?.etag).toBe(first.headers?.etag);
    const byDate = await handle(event('get-article-if-modified-since'));
    expect(byDate.statusCode).toBe(304);
  });

  it('answers HEAD with headers and an empty body', async () => {
    const { handle } = await setup();
    const result = await handle(event('head-article'));
    expect(result.statusCode).toBe(200);
    expect(result.body).toBe('');
    expect(Number(result.headers?.['content-length'])).toBeGreaterThan(1000);
  });

  it('answers 404 for an unknown article and 410 for a retracted one', async () => {
    const { handle } = await setup();
    const missing = await handle(event('get-article-unknown'));
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain(`href="${site}/articles/2024-11-30/"`);
    const gone = await handle(event('get-article-retracted'));
    expect(gone.statusCode).toBe(410);
    expect(gone.body).toContain('这篇文章已撤回');
  });

  it.each([
    ['get-article-trailing-slash', article],
    ['get-article-upper-case', article],
    ['get-issue-no-slash', '/articles/2024-11-30/'],
  ])('redirects %s permanently to the canonical URL', async (name, path) => {
    const { handle, site: store } = await setup();
    const result = await handle(event(name));
    expect(result.statusCode).toBe(301);
    expect(result.headers?.location).toBe(`${site}${path}`);
    expect(store.reads).toEqual([]);
  });

  it.each([
    'get-traversal-dot-dot',
    'get-traversal-encoded-dots',
    'get-traversal-encoded-slash',
    'get-traversal-double-encoded',
    'get-traversal-backslash',
    'get-traversal-nul',
    'get-overlong-segment',
    'get-malformed-date',
  ])('answers 400 to %s without touching storage', async (name) => {
    const { handle, site: store } = await setup();
    const result = await handle(event(name));
    expect(result.statusCode).toBe(400);
    expect(result.body).toContain('网址格式不正确');
    expect(store.reads).toEqual([]);
  });

  it.each(['post-article', 'delete-article', 'trace-article'])(
    'answers 405 with Allow to %s',
    async (name) => {
      const { handle, site: store } = await setup();
      const result = await handle(event(name));
      expect(result.statusCode).toBe(405);
      expect(result.headers?.allow).toBe('GET, HEAD');
      expect(result.headers?.['x-content-type-options']).toBe('nosniff');
      expect(store.reads).toEqual([]);
    },
  );

  it('answers the issue contents and the home page, each from one read', async () => {
    const { handle, site: store } = await setup();
    const issue = await handle(event('get-issue'));
    expect(issue.statusCode).toBe(200);
    expect(issue.body).toContain(`href="${site}${article}"`);
    const home = await handle(event('get-home'));
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain(`href="${site}/feeds.opml"`);
    const direct = await handle(event('get-home-direct'));
    expect(direct.statusCode).toBe(200);
    expect(store.reads).toEqual(['issues/2024-11-30.json', 'issues/latest.json', 'issues/latest.json']);
  });

  it('builds production dependencies lazily and fails loudly without configuration', async () => {
    const saved = process.env.SITE_URL;
    delete process.env.SITE_URL;
    try {
      await expect(handler(event('get-home'))).rejects.toThrow(/SITE_URL is required/);
    } finally {
      if (saved !== undefined) process.env.SITE_URL = saved;
    }
  });
});

describe('serve-article production wiring', () => {
  const names = ['SITE_URL', 'SITE_BUCKET', 'SITE_HOST_HEADER', 'AWS_REGION'] as const;
  const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]));

  afterEach(() => {
    for (const name of names)
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
  });

  /** A fresh copy of the handler module: production wiring is built once per module instance. */
  const freshHandler = async (env: Partial<Record<(typeof names)[number], string>>) => {
    for (const name of names) delete process.env[name];
    Object.assign(process.env, { AWS_REGION: 'ap-east-1', ...env });
    vi.resetModules();
    return (await import('../../functions/serve-article/handler.ts')).handler;
  };

  // Redirects and malformed paths are answered before any storage read: no AWS access needed.
  it('links to the configured site URL', async () => {
    const handle = await freshHandler({ SITE_URL: 'https://news.example.cn', SITE_BUCKET: 'site' });
    const result = await handle(event('get-article-trailing-slash'));
    expect(result.statusCode).toBe(301);
    expect(result.headers?.location).toBe(`https://news.example.cn${article}`);
  });

  it('takes the site URL from the viewer host header CloudFront adds when none is configured', async () => {
    const handle = await freshHandler({ SITE_HOST_HEADER: 'x-forwarded-host', SITE_BUCKET: 'site' });
    const viaCloudFront = event('get-article-trailing-slash');
    viaCloudFront.headers['x-forwarded-host'] = 'd1a2b3c4example.cloudfront.net';
    const result = await handle(viaCloudFront);
    expect(result.statusCode).toBe(301);
    expect(result.headers?.location).toBe(`https://d1a2b3c4example.cloudfront.net${article}`);
  });

  it('refuses a request whose host header is missing or not a host name', async () => {
    const handle = await freshHandler({ SITE_HOST_HEADER: 'x-forwarded-host', SITE_BUCKET: 'site' });
    expect((await handle(event('get-article-trailing-slash'))).statusCode).toBe(400);
    const hostile = event('get-article-trailing-slash');
    hostile.headers['x-forwarded-host'] = 'evil.example/"><script>';
    const result = await handle(hostile);
    expect(result.statusCode).toBe(400);
    expect(result.body).not.toContain('evil');
  });

  it('fails loudly without a bucket', async () => {
    const handle = await freshHandler({ SITE_URL: 'https://news.example.cn' });
    await expect(handle(event('get-home'))).rejects.toThrow(/SITE_BUCKET is required/);
  });
});
