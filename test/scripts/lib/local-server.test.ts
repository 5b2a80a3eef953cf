import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { formatOrigin, type LocalServer, startLocalServer } from '../../../scripts/lib/local-server.ts';
import type { RequestLogEntry } from '../../../scripts/lib/node-http.ts';
import { MemoryStore } from '../../../shared/storage/memory-store.ts';

describe('formatOrigin', () => {
  it('brackets IPv6 and names loopback for wildcard addresses', () => {
    expect(formatOrigin('127.0.0.1', 8080)).toBe('http://127.0.0.1:8080');
    expect(formatOrigin('::1', 8080)).toBe('http://[::1]:8080');
    expect(formatOrigin('0.0.0.0', 1)).toBe('http://127.0.0.1:1');
  });
});

describe('startLocalServer', () => {
  let server: LocalServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves feeds from the store, pages from the page handler, and logs every request', async () => {
    const site = new MemoryStore();
    await site.put('feeds.opml', '<opml version="2.0"/>', {
      contentType: 'text/x-opml; charset=utf-8',
      cacheControl: 'public, max-age=60',
    });
    const log: RequestLogEntry[] = [];
    const seenUrls: string[] = [];
    const errors: unknown[] = [];
    server = await startLocalServer({
      host: '127.0.0.1',
      port: 0,
      site,
      pages: async (request) => {
        seenUrls.push(request.url);
        if (new URL(request.url).pathname === '/boom') throw new Error('secret detail');
        return new Response('<p>page</p>', { headers: { 'content-type': 'text/html' } });
      },
      onRequest: (entry) => log.push(entry),
      onError: (error) => errors.push(error),
    });
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);

    const opml = await fetch(`${server.url}/feeds.opml`);
    expect(opml.status).toBe(200);
    expect(opml.headers.get('content-type')).toBe('text/x-opml; charset=utf-8');
    const etag = opml.headers.get('etag')!;
    const again = await fetch(`${server.url}/feeds.opml`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);

    const page = await fetch(`${server.url}/articles/2024-11-30/`);
    expect(await page.text()).toBe('<p>page</p>');
    expect(seenUrls).toEqual([`${server.url}/articles/2024-11-30/`]);

    const boom = await fetch(`${server.url}/boom`);
    expect(boom.status).toBe(500);
    expect(await boom.text()).not.toContain('secret');
    expect(errors).toHaveLength(1);

    expect(log.map((e) => [e.method, e.path, e.status])).toEqual([
      ['GET', '/feeds.opml', 200],
      ['GET', '/feeds.opml', 304],
      ['GET', '/articles/2024-11-30/', 200],
      ['GET', '/boom', 500],
    ]);
    expect(log[1]?.ifNoneMatch).toBe(etag);
  });

  it('does not let a dot-segment spelling reach a static file', async () => {
    const site = new MemoryStore();
    await site.put('feeds/all/rss.xml', '<rss/>', {
      contentType: 'application/rss+xml',
      cacheControl: 'no-cache',
    });
    const seen: string[] = [];
    server = await startLocalServer({
      host: '127.0.0.1',
      port: 0,
      site,
      pages: async () => {
        seen.push('pages');
        return new Response('not found', { status: 404 });
      },
      onError: () => {},
    });
    // fetch() and a URL string would normalise the path; a `path` option sends it as written.
    const status = await new Promise<number>((resolve, reject) => {
      const { hostname, port } = new URL(server!.url);
      request({ hostname, port, path: '/feeds/x/%2e%2e/all/rss.xml' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(404);
    expect(seen).toEqual(['pages']);
  });
});
