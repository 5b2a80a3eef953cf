import { describe, expect, it } from 'vitest';
import { serveSiteFile, siteKeyFromPath } from '../../../scripts/lib/site-files.ts';
import { MemoryStore } from '../../../shared/storage/memory-store.ts';

const rssType = 'application/rss+xml; charset=utf-8';

const siteWithFeed = async () => {
  const site = new MemoryStore();
  const { etag } = await site.put('feeds/all/rss.xml', '<rss version="2.0"/>', {
    contentType: rssType,
    cacheControl: 'public, max-age=300',
  });
  await site.put('issues/latest.json', '{}', { contentType: 'application/json', cacheControl: 'no-cache' });
  await site.put('reports/incoming/2024-11-30/09.txt.json', '{"ok":false}', {
    contentType: 'application/json; charset=utf-8',
    cacheControl: 'no-cache',
  });
  return { site, etag };
};

const get = (path: string, init?: RequestInit) => new Request(`http://127.0.0.1:8080${path}`, init);

describe('siteKeyFromPath', () => {
  it.each([
    ['/feeds.opml', 'feeds.opml'],
    ['/feeds/all/rss.xml', 'feeds/all/rss.xml'],
    ['/feeds/yao-wen/archive/2024-11-30/atom.xml', 'feeds/yao-wen/archive/2024-11-30/atom.xml'],
    [
      '/reports/incoming/2024-11-30/%E7%AC%AC1%E7%89%88.txt.json',
      'reports/incoming/2024-11-30/第1版.txt.json',
    ],
    ['/media/c6e7c4a994aa90cc/1200.jpg', 'media/c6e7c4a994aa90cc/1200.jpg'],
    ['/media/c6e7c4a994aa90cc/2024-11-30-01.pdf', 'media/c6e7c4a994aa90cc/2024-11-30-01.pdf'],
  ])('maps %s to the key %s', (path, key) => {
    expect(siteKeyFromPath(path)).toBe(key);
  });

  it.each([
    '/',
    '/articles/2024-11-30/p1-abc',
    '/issues/latest.json',
    '/state/x.json',
    '/state/media/2024-11-30.json',
    '/media/../state/media/2024-11-30.json',
    '/feeds/../issues/latest.json',
    '/feeds/%2e%2e/issues/latest.json',
    '/feeds/a%2fb/rss.xml',
    '/feeds/a%5cb/rss.xml',
    '/feeds/a%00/rss.xml',
    '/feeds//rss.xml',
    '/feeds/%E0%A4%A/rss.xml',
  ])('refuses %s', (path) => {
    expect(siteKeyFromPath(path)).toBeUndefined();
  });
});

describe('serveSiteFile', () => {
  it('serves a feed with its stored type, cache control, strong ETag and Last-Modified', async () => {
    const { site, etag } = await siteWithFeed();
    const response = await serveSiteFile(site, get('/feeds/all/rss.xml'));
    expect(response?.status).toBe(200);
    expect(response?.headers.get('content-type')).toBe(rssType);
    expect(response?.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response?.headers.get('etag')).toBe(etag);
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    expect(response?.headers.get('last-modified')).toMatch(/GMT$/);
    expect(await response?.text()).toBe('<rss version="2.0"/>');
  });

  it('answers 304 without a body to a matching If-None-Match', async () => {
    const { site, etag } = await siteWithFeed();
    const response = await serveSiteFile(
      site,
      get('/feeds/all/rss.xml', { headers: { 'if-none-match': etag } }),
    );
    expect(response?.status).toBe(304);
    expect(response?.headers.get('etag')).toBe(etag);
    expect(response?.body).toBeNull();
  });

  it('answers 200 to a stale If-None-Match even with a fresh If-Modified-Since', async () => {
    const { site } = await siteWithFeed();
    const response = await serveSiteFile(
      site,
      get('/feeds/all/rss.xml', {
        headers: {
          'if-none-match': '"stale"',
          'if-modified-since': new Date(Date.now() + 60_000).toUTCString(),
        },
      }),
    );
    expect(response?.status).toBe(200);
  });

  it('answers 304 to If-Modified-Since at or after Last-Modified, 200 before it', async () => {
    const { site } = await siteWithFeed();
    const first = await serveSiteFile(site, get('/feeds/all/rss.xml'));
    const lastModified = first!.headers.get('last-modified')!;
    const same = await serveSiteFile(
      site,
      get('/feeds/all/rss.xml', { headers: { 'if-modified-since': lastModified } }),
    );
    expect(same?.status).toBe(304);
    const earlier = new Date(new Date(lastModified).getTime() - 1000).toUTCString();
    const older = await serveSiteFile(
      site,
      get('/feeds/all/rss.xml', { headers: { 'if-modified-since': earlier } }),
    );
    expect(older?.status).toBe(200);
  });

  it('answers HEAD with the headers and no body', async () => {
    const { site } = await siteWithFeed();
    const response = await serveSiteFile(site, get('/feeds/all/rss.xml', { method: 'HEAD' }));
    expect(response?.status).toBe(200);
    expect(response?.headers.get('content-length')).toBe('20');
    expect(response?.body).toBeNull();
  });

  it('answers 404 for an unknown feed and 405 for a POST', async () => {
    const { site } = await siteWithFeed();
    expect((await serveSiteFile(site, get('/feeds/nope/rss.xml')))?.status).toBe(404);
    const post = await serveSiteFile(site, get('/feeds/all/rss.xml', { method: 'POST', body: 'x' }));
    expect(post?.status).toBe(405);
    expect(post?.headers.get('allow')).toBe('GET, HEAD');
  });

  it('serves upload reports but leaves private keys and pages to the next handler', async () => {
    const { site } = await siteWithFeed();
    const report = await serveSiteFile(site, get('/reports/incoming/2024-11-30/09.txt.json'));
    expect(report?.status).toBe(200);
    expect(await report?.json()).toEqual({ ok: false });
    expect(await serveSiteFile(site, get('/issues/latest.json'))).toBeUndefined();
    expect(await serveSiteFile(site, get('/'))).toBeUndefined();
    expect(await serveSiteFile(site, get('/articles/2024-11-30/'))).toBeUndefined();
  });
});
