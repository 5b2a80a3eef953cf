import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toNodeListener } from '../../../scripts/lib/node-http.ts';
import { serveRequest } from '../../../shared/serve/serve-request.ts';
import { fixtureDeps, fixtureIds } from '../../serve/serve-fixtures.ts';

/** A raw HTTP/1.1 exchange: node's client sends the path exactly as given (no normalisation). */
const send = (port: number, method: string, path: string, headers: Record<string, string> = {}) =>
  new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(
    (resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      });
      req.on('error', reject);
      req.end();
    },
  );

describe('toNodeListener', () => {
  let server: Server;
  let port: number;
  let reads: string[];

  beforeAll(async () => {
    const { deps, site } = await fixtureDeps();
    reads = site.reads;
    server = createServer(
      toNodeListener((request) => serveRequest(deps, request), {
        origin: () => `http://127.0.0.1:${port}`,
        onError: (error) => {
          throw error;
        },
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('serves an article over HTTP with its headers', async () => {
    const answer = await send(port, 'GET', `/articles/2024-11-30/${fixtureIds.first}?utm_source=rss`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.body).toContain('<h1>第1篇 新闻标题</h1>');
  });

  it('keeps the raw path, so traversal is refused rather than normalised away', async () => {
    const before = reads.length;
    for (const path of [
      '/articles/2024-11-30/../../issues/latest.json',
      '/articles/%2e%2e/issues/latest.json',
      '/articles/2024-11-30/..\\..\\issues',
    ]) {
      const answer = await send(port, 'GET', path);
      expect(answer.status, path).toBe(400);
    }
    expect(reads.length).toBe(before);
  });

  it('sends no body for HEAD and 405 for methods a web Request cannot carry', async () => {
    const head = await send(port, 'HEAD', `/articles/2024-11-30/${fixtureIds.first}`);
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(Number(head.headers['content-length'])).toBeGreaterThan(1000);
    expect((await send(port, 'TRACE', '/')).status).toBe(405);
    const post = await send(port, 'POST', '/', { 'content-type': 'text/plain' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });
});
