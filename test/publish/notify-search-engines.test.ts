import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../../shared/config.ts';
import { ConfigError } from '../../shared/errors.ts';
import {
  changedPermalinks,
  defaultIndexNowEndpoint,
  notifySearchEngines,
  searchPingConfigFromEnvironment,
} from '../../shared/publish/notify-search-engines.ts';
import { recordingLog } from '../support/recording-log.ts';

/** A search engine's endpoint on loopback that records each request; `answer` replies (or not). */
const startReceiver = async (
  answer: (res: ServerResponse) => void = (res) => res.writeHead(200).end('{}'),
) => {
  const requests: Array<{ url: string; headers: IncomingHttpHeaders; body: string }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { base: `http://127.0.0.1:${port}`, requests };
};

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const config = parseSiteConfig({ siteUrl: 'https://news.example.cn', indexNowKey: 'a1b2c3d4e5f6a7b8' });
const urls = [
  'https://news.example.cn/articles/2024-11-30/p1-aaaa',
  'https://news.example.cn/articles/2024-11-30/',
];
const token = 'SECRET-token-123';

describe('changedPermalinks', () => {
  it('turns written article records into permalinks and their contents pages, each once', () => {
    expect(
      changedPermalinks('https://news.example.cn', [
        'articles/2024-11-30/p1-aaaa.json',
        'feeds/all/rss.xml',
        'articles/2024-11-30/p2-bbbb.json',
        'issues/2024-11-30.json',
        'articles/2024-11-30/p1-aaaa.json',
      ]),
    ).toEqual([
      'https://news.example.cn/articles/2024-11-30/p1-aaaa',
      'https://news.example.cn/articles/2024-11-30/',
      'https://news.example.cn/articles/2024-11-30/p2-bbbb',
    ]);
  });
});

describe('searchPingConfigFromEnvironment', () => {
  it('pings IndexNow when the site has a key, Baidu when a token is set', () => {
    expect(searchPingConfigFromEnvironment({}, parseSiteConfig({ siteUrl: 'https://x.example.cn' }))).toEqual(
      {},
    );
    expect(searchPingConfigFromEnvironment({ BAIDU_PUSH_TOKEN: token }, config)).toEqual({
      indexNow: { endpoint: defaultIndexNowEndpoint, key: config.indexNowKey },
      baidu: { endpoint: 'http://data.zz.baidu.com/urls', token },
    });
    expect(() => searchPingConfigFromEnvironment({ INDEXNOW_ENDPOINT: 'ftp://x' }, config)).toThrow(
      ConfigError,
    );
  });
});

describe('notifySearchEngines', () => {
  it('sends IndexNow its JSON with the key file at the site root, and Baidu the URLs one per line', async () => {
    const engine = await startReceiver();
    const { log } = recordingLog();
    await notifySearchEngines(
      {
        fetch,
        log,
        config,
        pings: {
          indexNow: { endpoint: `${engine.base}/indexnow`, key: config.indexNowKey! },
          baidu: { endpoint: `${engine.base}/urls`, token },
        },
      },
      urls,
    );
    const indexNow = engine.requests.find((r) => r.url === '/indexnow')!;
    expect(indexNow.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(indexNow.body)).toEqual({
      host: 'news.example.cn',
      key: 'a1b2c3d4e5f6a7b8',
      keyLocation: 'https://news.example.cn/a1b2c3d4e5f6a7b8.txt',
      urlList: urls,
    });
    const baidu = engine.requests.find((r) => r.url.startsWith('/urls'))!;
    const query = new URL(baidu.url, engine.base).searchParams;
    expect(query.get('site')).toBe('https://news.example.cn');
    expect(query.get('token')).toBe(token);
    expect(baidu.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(baidu.body).toBe(urls.join('\n'));
  });

  it('warns without the token, and never throws, when an engine refuses', async () => {
    const engine = await startReceiver((res) => res.writeHead(401).end(`bad token ${token}`));
    const { log, lines } = recordingLog();
    await notifySearchEngines(
      { fetch, log, config, pings: { baidu: { endpoint: `${engine.base}/urls`, token } } },
      urls,
    );
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain(token);
  });

  it('keeps the token out of the log when the request itself fails', async () => {
    const { log, lines } = recordingLog();
    const failing = (async (input: RequestInfo | URL) => {
      throw new TypeError(`fetch failed for ${String(input)}`);
    }) as typeof fetch;
    await notifySearchEngines(
      { fetch: failing, log, config, pings: { baidu: { endpoint: 'http://127.0.0.1:9/urls', token } } },
      urls,
    );
    expect(lines.map((l) => l.level)).toEqual(['warn']);
    expect(JSON.stringify(lines)).not.toContain(token);
    expect(JSON.stringify(lines)).toContain('***');
  });

  it('gives up on an engine that does not answer within the time limit', async () => {
    const engine = await startReceiver(() => {
      // never answers
    });
    const { log, lines } = recordingLog();
    await notifySearchEngines(
      {
        fetch,
        log,
        config,
        timeoutMs: 200,
        pings: { indexNow: { endpoint: `${engine.base}/indexnow`, key: config.indexNowKey! } },
      },
      urls,
    );
    expect(engine.requests).toHaveLength(1);
    expect(lines.find((l) => l.level === 'warn')?.fields?.error).toMatch(/TimeoutError|abort/i);
  });

  it('sends nothing when nothing changed or nothing is configured', async () => {
    const engine = await startReceiver();
    const { log } = recordingLog();
    const pings = { indexNow: { endpoint: `${engine.base}/indexnow`, key: config.indexNowKey! } };
    await notifySearchEngines({ fetch, log, config, pings }, []);
    await notifySearchEngines({ fetch, log, config, pings: {} }, urls);
    expect(engine.requests).toEqual([]);
  });
});
