import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, startLocalServer } from '../../../scripts/lib/local-server.ts';
import { loggedPathLength, originFormOf, type RequestLogEntry } from '../../../scripts/lib/node-http.ts';
import { edgeSecurityHeaders } from '../../../shared/serve/edge-security-headers.ts';
import { FsStore } from '../../../shared/storage/fs-store.ts';

/**
 * One raw HTTP/1.1 exchange over a socket: the request head exactly as given, then `body` (which
 * may be shorter than its Content-Length). Resolves with the status line and the whole answer as
 * soon as the server has sent its head — an answer that waited for the declared body never comes.
 */
const exchange = (port: number, head: string, body = '') =>
  new Promise<{ status: number; raw: string }>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let raw = '';
    const settle = () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
      socket.destroy();
      resolve({ status, raw });
    };
    socket.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
      if (raw.includes('\r\n\r\n')) setTimeout(settle, 50);
    });
    socket.on('error', (error) => (raw === '' ? reject(error) : settle()));
    socket.write(`${head}\r\n\r\n${body}`);
  });

const headerOf = (raw: string, name: string) =>
  new RegExp(`^${name}: (.*)$`, 'im').exec(raw.split('\r\n\r\n')[0] ?? '')?.[1]?.trim();

describe('local server hardening', () => {
  let server: LocalServer;
  let dir: string;
  const log: RequestLogEntry[] = [];
  const errors: { path: string }[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'local-server-hardening-'));
    const site = new FsStore(dir);
    await site.put('feeds/all/rss.xml', '<rss version="2.0"/>', {
      contentType: 'application/rss+xml; charset=utf-8',
      cacheControl: 'max-age=60',
    });
    server = await startLocalServer({
      host: '127.0.0.1',
      port: 0,
      site,
      pages: async (request) =>
        new Response(`page ${new URL(request.url).pathname}`, {
          headers: {
            'content-type': 'text/html; charset=utf-8',
            'content-security-policy': "default-src 'self'",
          },
        }),
      onRequest: (entry) => log.push(entry),
      onError: (_error, request) => errors.push(request),
    });
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 405 to a 300 MB PUT without waiting for its body', async () => {
    const answer = await exchange(
      server.port,
      `PUT /feeds/all/rss.xml HTTP/1.1\r\nHost: x\r\nContent-Length: ${300 * 1024 * 1024}`,
      'x'.repeat(1024),
    );
    expect(answer.status).toBe(405);
    expect(headerOf(answer.raw, 'allow')).toBe('GET, HEAD');
    expect(headerOf(answer.raw, 'connection')).toBe('close');
  });

  it('answers 413 to a GET that declares a body, without reading it', async () => {
    const answer = await exchange(
      server.port,
      'GET /feeds/all/rss.xml HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000',
    );
    expect(answer.status).toBe(413);
  });

  it('answers TRACE with 405, as docs/permalinks.md says', async () => {
    const answer = await exchange(server.port, 'TRACE / HTTP/1.1\r\nHost: x');
    expect(answer.status).toBe(405);
  });

  it('answers 404 to a 256-character path segment, 414 to an absurd target, and logs a bounded path', async () => {
    const long = `/feeds/${'a'.repeat(256)}/rss.xml`;
    const answer = await exchange(server.port, `GET ${long} HTTP/1.1\r\nHost: x`);
    expect(answer.status).toBe(404);
    expect(answer.raw).not.toContain('a'.repeat(256));
    const absurd = await exchange(server.port, `GET /feeds/${'b'.repeat(8000)} HTTP/1.1\r\nHost: x`);
    expect(absurd.status).toBe(414);
    expect(errors).toEqual([]);
    const logged = log.at(-1)!;
    expect(logged.status).toBe(414);
    expect(logged.path.length).toBeLessThan(loggedPathLength + 40);
  });

  it('routes an absolute-form request line by its path', async () => {
    const feed = await exchange(server.port, 'GET http://x/feeds/all/rss.xml HTTP/1.1\r\nHost: x');
    expect(feed.status).toBe(200);
    expect(feed.raw).toContain('<rss version="2.0"/>');
    const page = await exchange(server.port, 'GET http://x/articles/2024-11-30/ HTTP/1.1\r\nHost: x');
    expect(page.raw).toContain('page /articles/2024-11-30/');
  });

  it("gives every answer the edge's security headers; pages keep their own CSP", async () => {
    const answers = {
      feed: await exchange(server.port, 'GET /feeds/all/rss.xml HTTP/1.1\r\nHost: x'),
      missing: await exchange(server.port, 'GET /feeds/none/<script>.xml HTTP/1.1\r\nHost: x'),
      refused: await exchange(server.port, 'DELETE /feeds/all/rss.xml HTTP/1.1\r\nHost: x'),
      page: await exchange(server.port, 'GET /articles/2024-11-30/ HTTP/1.1\r\nHost: x'),
    };
    for (const [name, answer] of Object.entries(answers)) {
      expect(headerOf(answer.raw, 'x-content-type-options'), name).toBe('nosniff');
      expect(headerOf(answer.raw, 'x-frame-options'), name).toBe('DENY');
      expect(headerOf(answer.raw, 'referrer-policy'), name).toBe('strict-origin-when-cross-origin');
      // Plain http: browsers ignore HSTS there, and production sends it from CloudFront.
      expect(headerOf(answer.raw, 'strict-transport-security'), name).toBeUndefined();
    }
    for (const name of ['feed', 'missing', 'refused'] as const)
      expect(headerOf(answers[name].raw, 'content-security-policy'), name).toBe(
        edgeSecurityHeaders.contentSecurityPolicy.value,
      );
    expect(headerOf(answers.page.raw, 'content-security-policy')).toBe("default-src 'self'");
    // The 404 body does not echo the requested path back.
    expect(answers.missing.status).toBe(404);
    expect(answers.missing.raw).not.toContain('<script>');
  });
});

describe('originFormOf', () => {
  it.each([
    ['/feeds/all/rss.xml?x=1', '/feeds/all/rss.xml?x=1'],
    ['http://x/feeds/all/rss.xml', '/feeds/all/rss.xml'],
    ['HTTPS://example.cn:8443/articles/?a', '/articles/?a'],
    ['http://x', '/'],
    ['http://x?q', '/?q'],
    ['*', '/'],
  ])('%s → %s', (target, expected) => {
    expect(originFormOf(target)).toBe(expected);
  });
});
