import { describe, expect, it } from 'vitest';
import { serveSiteFile } from '../../../scripts/lib/site-files.ts';
import { MemoryStore } from '../../../shared/storage/memory-store.ts';

/** `npm start` serves what CloudFront's discovery behaviours serve, and nothing private. */
describe('serveSiteFile: discovery files', () => {
  const site = new MemoryStore();
  const put = (key: string, contentType: string) =>
    site.put(key, `body of ${key}`, { contentType, cacheControl: 'public, max-age=300' });

  it.each([
    ['/robots.txt', 'robots.txt', 'text/plain; charset=utf-8'],
    ['/sitemap.xml', 'sitemap.xml', 'application/xml; charset=utf-8'],
    ['/sitemaps/2024-11.xml', 'sitemaps/2024-11.xml', 'application/xml; charset=utf-8'],
    ['/sitemaps/news.xml', 'sitemaps/news.xml', 'application/xml; charset=utf-8'],
    ['/brand/0123456789abcdef/icon-512.png', 'brand/0123456789abcdef/icon-512.png', 'image/png'],
    ['/a1b2c3d4e5f6a7b8.txt', 'a1b2c3d4e5f6a7b8.txt', 'text/plain; charset=utf-8'],
  ])('serves %s from the site store', async (path, key, contentType) => {
    await put(key, contentType);
    const response = await serveSiteFile(site, new Request(`http://127.0.0.1:8080${path}`));
    expect(response?.status).toBe(200);
    expect(response?.headers.get('content-type')).toBe(contentType);
    expect(await response?.text()).toBe(`body of ${key}`);
  });

  it('keeps the sitemap state private', async () => {
    await put('state/sitemaps/2024-11.json', 'application/json; charset=utf-8');
    expect(await serveSiteFile(site, new Request('http://127.0.0.1:8080/state/sitemaps/2024-11.json'))).toBe(
      undefined,
    );
    expect(await serveSiteFile(site, new Request('http://127.0.0.1:8080/sitemaps/x/y.xml'))).toBe(undefined);
  });
});
