import { describe, expect, it } from 'vitest';
import { createRawRequest } from '../../shared/serve/raw-request.ts';
import { RenderCache } from '../../shared/serve/render-cache.ts';
import { serveRequest } from '../../shared/serve/serve-request.ts';
import { articleKey } from '../../shared/site-layout.ts';
import { fixtureDeps, fixtureIds, fixtureIssue, recordOf } from './serve-fixtures.ts';

const get = (path: string, headers: Record<string, string> = {}) =>
  createRawRequest({
    method: 'GET',
    rawPath: path,
    origin: 'https://x.example',
    headers: Object.entries(headers),
  })!;
const path = `/articles/2024-11-30/${fixtureIds.first}`;
const json = { contentType: 'application/json', cacheControl: 'no-cache' };

describe('RenderCache', () => {
  it('evicts the least recently used entry past its entry and byte bounds', () => {
    const cache = new RenderCache(2, 10);
    const entry = (n: number) => ({ body: new Uint8Array(n), contentTime: 't', issueDate: 'd' });
    cache.set('a', entry(3));
    cache.set('b', entry(3));
    cache.get('a');
    cache.set('c', entry(3));
    expect([
      cache.get('a') !== undefined,
      cache.get('b') !== undefined,
      cache.get('c') !== undefined,
    ]).toEqual([true, false, true]);
    cache.set('d', entry(9));
    expect(cache.size).toBe(1);
    cache.set('e', entry(11));
    expect(cache.get('e')).toBeUndefined();
  });
});

describe('serveRequest with a render cache', () => {
  it('answers the same bytes and validators from the cache, still reading storage once per request', async () => {
    const { deps, site } = await fixtureDeps();
    const cached = { ...deps, cache: new RenderCache() };
    const first = await serveRequest(cached, get(path));
    const second = await serveRequest(cached, get(path));
    expect(await second.text()).toBe(await first.text());
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(second.headers.get('last-modified')).toBe(first.headers.get('last-modified'));
    expect(cached.cache.size).toBe(1);
    expect(site.reads).toHaveLength(2);
    // The cache changes nothing a client can see: an uncached answer has the same bytes.
    const uncached = await serveRequest(deps, get(path));
    expect(await uncached.text()).toBe(await (await serveRequest(cached, get(path))).text());
  });

  it('serves the new content, or 410, as soon as the stored record changes', async () => {
    const { deps, site } = await fixtureDeps();
    const cached = { ...deps, cache: new RenderCache() };
    const before = await serveRequest(cached, get(path));
    const issue = fixtureIssue();
    const article = issue.pages[0]!.articles[0]!;
    await site.put(
      articleKey(issue.date, article.id),
      JSON.stringify(
        recordOf(issue, { ...article, title: '更正后的标题', updated: '2024-11-30T10:00:00+08:00' }),
      ),
      json,
    );
    const after = await serveRequest(cached, get(path, { 'if-none-match': before.headers.get('etag')! }));
    expect(after.status).toBe(200);
    expect(await after.text()).toContain('<h1>更正后的标题</h1>');
    await site.put(
      articleKey(issue.date, article.id),
      JSON.stringify(
        recordOf(issue, { ...article, status: 'retracted', retractedAt: '2024-11-30T11:00:00+08:00' }),
      ),
      json,
    );
    expect((await serveRequest(cached, get(path))).status).toBe(410);
  });
});
