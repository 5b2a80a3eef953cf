import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../../shared/config.ts';
import { changedFeedUrls, notifyHub } from '../../shared/publish/notify-hub.ts';
import { recordingLog } from '../support/recording-log.ts';

/** A WebSub hub on loopback that records each ping; `answer` decides the reply (or withholds it). */
const startHub = async (answer: (res: ServerResponse) => void = (res) => res.writeHead(204).end()) => {
  const pings: Array<{ method: string; headers: IncomingHttpHeaders; body: string }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      pings.push({ method: req.method ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { url: `http://127.0.0.1:${port}/hub`, pings, close };
};

const siteUrl = 'https://news.example.cn';
let closeHub: (() => Promise<void>) | undefined;

afterEach(async () => {
  await closeHub?.();
  closeHub = undefined;
});

describe('changedFeedUrls', () => {
  it('keeps subscription feeds, each once, and leaves out archives and other keys', () => {
    expect(
      changedFeedUrls(siteUrl, [
        'articles/2024-11-30/a.json',
        'feeds/all/rss.xml',
        'feeds/all/archive/2024-11-30/rss.xml',
        'feeds/yaowen/feed.json',
        'feeds/all/rss.xml',
        'feeds/all/atom.xml',
        'feeds.opml',
        'feeds/all/window.json',
        'issues/2024-11-30.json',
      ]),
    ).toEqual([
      'https://news.example.cn/feeds/all/rss.xml',
      'https://news.example.cn/feeds/yaowen/feed.json',
      'https://news.example.cn/feeds/all/atom.xml',
    ]);
  });

  it('finds nothing when a publish wrote no feed', () => {
    expect(changedFeedUrls(siteUrl, ['reports/incoming/2024-11-30/01.txt.json'])).toEqual([]);
  });
});

describe('notifyHub', () => {
  it('posts hub.mode=publish with each changed URL, form-encoded, one request per URL', async () => {
    const hub = await startHub();
    closeHub = hub.close;
    const { log, lines } = recordingLog();
    const config = parseSiteConfig({ siteUrl, websubHub: hub.url });
    const urls = [`${siteUrl}/feeds/all/rss.xml`, `${siteUrl}/feeds/yaowen/feed.json`];
    await notifyHub({ fetch, log, config }, urls);
    expect(hub.pings.map((p) => p.method)).toEqual(['POST', 'POST']);
    for (const ping of hub.pings) {
      expect(ping.headers['content-type']).toBe('application/x-www-form-urlencoded');
    }
    const bodies = hub.pings.map((p) => Object.fromEntries(new URLSearchParams(p.body)));
    expect(bodies).toEqual(
      expect.arrayContaining(urls.map((url) => ({ 'hub.mode': 'publish', 'hub.url': url }))),
    );
    expect(hub.pings[0]!.body).toMatch(/^hub\.mode=publish&hub\.url=https%3A%2F%2Fnews\.example\.cn%2F/);
    expect(lines.filter((l) => l.level === 'warn')).toEqual([]);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'info', fields: { hub: hub.url, urls: 2 } }),
    );
  });

  it('sends nothing without a configured hub', async () => {
    const calls: unknown[] = [];
    const spy = ((...args: unknown[]) => {
      calls.push(args);
      return Promise.resolve(new Response(null, { status: 204 }));
    }) as typeof fetch;
    await notifyHub({ fetch: spy, log: recordingLog().log, config: parseSiteConfig({ siteUrl }) }, [
      `${siteUrl}/feeds/all/rss.xml`,
    ]);
    expect(calls).toEqual([]);
  });

  it('sends nothing when no feed changed', async () => {
    const hub = await startHub();
    closeHub = hub.close;
    await notifyHub(
      { fetch, log: recordingLog().log, config: parseSiteConfig({ siteUrl, websubHub: hub.url }) },
      [],
    );
    expect(hub.pings).toEqual([]);
  });

  it('logs a warning per URL and resolves when the hub answers 500', async () => {
    const hub = await startHub((res) => res.writeHead(500).end('down'));
    closeHub = hub.close;
    const { log, lines } = recordingLog();
    const config = parseSiteConfig({ siteUrl, websubHub: hub.url });
    await expect(
      notifyHub({ fetch, log, config }, [`${siteUrl}/feeds/all/rss.xml`, `${siteUrl}/feeds/all/atom.xml`]),
    ).resolves.toBeUndefined();
    const warnings = lines.filter((l) => l.level === 'warn');
    expect(warnings.map((w) => w.fields?.url)).toEqual([
      `${siteUrl}/feeds/all/rss.xml`,
      `${siteUrl}/feeds/all/atom.xml`,
    ]);
    expect(warnings[0]!.fields?.error).toBe('hub answered 500');
    expect(lines.some((l) => l.level === 'info')).toBe(false);
  });

  it('gives up on a hub that never answers, with a warning', async () => {
    const hub = await startHub(() => {});
    closeHub = hub.close;
    const { log, lines } = recordingLog();
    const config = parseSiteConfig({ siteUrl, websubHub: hub.url });
    await expect(
      notifyHub({ fetch, log, config, timeoutMs: 100 }, [`${siteUrl}/feeds/all/rss.xml`]),
    ).resolves.toBeUndefined();
    expect(hub.pings).toHaveLength(1);
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.fields?.error)).toEqual([
      expect.stringMatching(/TimeoutError|aborted/i),
    ]);
  });

  it('logs a warning when the hub cannot be reached at all', async () => {
    const hub = await startHub();
    await hub.close();
    const { log, lines } = recordingLog();
    const config = parseSiteConfig({ siteUrl, websubHub: hub.url });
    await notifyHub({ fetch, log, config }, [`${siteUrl}/feeds/all/rss.xml`]);
    expect(lines.map((l) => l.level)).toEqual(['warn']);
  });
});
