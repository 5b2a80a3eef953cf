import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { S3Event } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createHandler,
  type HandledUpload,
  productionDeps,
  uploadEventsOf,
} from '../../functions/build-feeds/handler.ts';
import { parseSiteConfig } from '../../shared/config.ts';
import { ConfigError, StorageError } from '../../shared/errors.ts';
import type { Log } from '../../shared/log.ts';
import { feedFileNames } from '../../shared/site-layout.ts';
import { S3Store } from '../../shared/storage/s3-store.ts';
import { fixture, makeDeps, readIssue, snapshot, upload } from '../publish/publish-kit.ts';
import { FaultyStore } from '../support/instrumented-store.ts';
import { recordingLog } from '../support/recording-log.ts';

const chineseKeys = JSON.parse(
  readFileSync(new URL('../fixtures/events/chinese-keys.json', import.meta.url), 'utf8'),
) as S3Event;

/** An S3 record for a key as S3 encodes it in notifications. */
const record = (eventName: string, encodedKey: string, sequencer: string) => ({
  ...chineseKeys.Records[0]!,
  eventName,
  s3: { ...chineseKeys.Records[0]!.s3, object: { key: encodedKey, size: 1, eTag: '', sequencer } },
});

describe('build-feeds handler', () => {
  it('decodes percent-encoded Chinese keys and + as space, and handles every record', async () => {
    const deps = makeDeps();
    await upload(deps.input, 'incoming/2024-11-30/01-要闻.txt', fixture('01'));
    await upload(deps.input, 'incoming/2024-11-30/page 02 final.txt', fixture('02'));
    await createHandler(deps)(chineseKeys);
    const issue = (await readIssue(deps.site, '2024-11-30'))!;
    expect(issue.pages.map((p) => [p.number, p.source])).toEqual([
      [1, 'incoming/2024-11-30/01-要闻.txt'],
      [2, 'incoming/2024-11-30/page 02 final.txt'],
    ]);
  });

  it('orders the records of one key by left-padded sequencer', () => {
    const event = {
      Records: [
        record('ObjectRemoved:Delete', 'incoming/a.txt', '100'),
        record('ObjectCreated:Put', 'incoming/b.txt', '5'),
        record('ObjectCreated:Put', 'incoming/a.txt', 'FF'),
      ],
    } as S3Event;
    expect(uploadEventsOf(event, () => {}).map((e) => `${e.type} ${e.key}`)).toEqual([
      'created incoming/a.txt',
      'removed incoming/a.txt',
      'created incoming/b.txt',
    ]);
  });

  it('ignores keys outside the input prefix with a warning and writes nothing', async () => {
    const { log, lines } = recordingLog();
    const deps = makeDeps({ log });
    await createHandler(deps)({
      Records: [record('ObjectCreated:Put', 'feeds/all/rss.xml', '1')],
    } as S3Event);
    expect(await snapshot(deps.site)).toEqual({});
    expect(lines.some((l) => l.level === 'warn' && l.fields?.key === 'feeds/all/rss.xml')).toBe(true);
  });

  it('handles the other records before throwing for a transient failure', async () => {
    const { log, lines } = recordingLog();
    const base = makeDeps({ log });
    const input = new FaultyStore(base.input).failOtherWhen(
      (method, key) => method === 'get' && key.includes('01-'),
    );
    await upload(input, 'incoming/2024-11-30/01-要闻.txt', fixture('01'));
    await upload(input, 'incoming/2024-11-30/page 02 final.txt', fixture('02'));
    await expect(createHandler({ ...base, input })(chineseKeys)).rejects.toBeInstanceOf(StorageError);
    expect((await readIssue(base.site, '2024-11-30'))!.pages.map((p) => p.number)).toEqual([2]);
    expect(lines.filter((l) => l.level === 'error')).toHaveLength(1);
  });

  it('hands over the outcome of every record it handled, with the feeds it changed, even when another fails', async () => {
    const base = makeDeps();
    const input = new FaultyStore(base.input).failOtherWhen(
      (method, key) => method === 'get' && key.includes('01-'),
    );
    await upload(input, 'incoming/2024-11-30/01-要闻.txt', fixture('01'));
    await upload(input, 'incoming/2024-11-30/page 02 final.txt', fixture('02'));
    const handled: HandledUpload[] = [];
    const handler = createHandler({ ...base, input, onHandled: (h) => handled.push(h) });
    await expect(handler(chineseKeys)).rejects.toBeInstanceOf(StorageError);
    const page2 = (await readIssue(base.site, '2024-11-30'))!.pages.find((p) => p.number === 2)!;
    expect(handled.map((h) => [h.upload.key, h.outcome.status, h.feedsChanged])).toEqual([
      ['incoming/2024-11-30/page 02 final.txt', 'published', ['all', page2.sectionSlug]],
    ]);
    expect(handled[0]!.outcome.written).toContain(`feeds/${page2.sectionSlug}/atom.xml`);

    // Delivered again: page 02 changes nothing; page 01 now publishes, into its own section's feed
    // and the all-sections feed at least.
    input.clear();
    handled.length = 0;
    await handler(chineseKeys);
    const page1 = (await readIssue(base.site, '2024-11-30'))!.pages.find((p) => p.number === 1)!;
    expect(handled.map((h) => [h.upload.key, h.outcome.status])).toEqual([
      ['incoming/2024-11-30/01-要闻.txt', 'published'],
      ['incoming/2024-11-30/page 02 final.txt', 'unchanged'],
    ]);
    expect(handled[0]!.feedsChanged[0]).toBe('all');
    expect(handled[0]!.feedsChanged).toContain(page1.sectionSlug);
    expect(handled[1]!.feedsChanged).toEqual([]);
  });

  it('does not throw for a bad upload: the report is the answer', async () => {
    const deps = makeDeps();
    await upload(deps.input, 'incoming/2024-11-30/01-要闻.txt', '');
    await upload(deps.input, 'incoming/2024-11-30/page 02 final.txt', fixture('02'));
    await expect(createHandler(deps)(chineseKeys)).resolves.toBeUndefined();
    const report = await deps.site.get('reports/incoming/2024-11-30/01-要闻.txt.json');
    expect(JSON.parse(new TextDecoder().decode(report!.body))).toMatchObject({ ok: false, code: 'empty' });
  });

  it('reads production configuration only when asked, and fails clearly without it', () => {
    expect(() => productionDeps({})).toThrow(ConfigError);
    expect(() => productionDeps({ SITE_URL: 'https://news.example.cn', SITE_BUCKET: 'site' })).toThrow(
      /INGEST_BUCKET/,
    );
    const deps = productionDeps({
      SITE_URL: 'https://news.example.cn',
      INGEST_BUCKET: 'ingest',
      SITE_BUCKET: 'site',
      AWS_REGION: 'ap-east-1',
    });
    expect(deps.input).toBeInstanceOf(S3Store);
    expect(deps.site).toBeInstanceOf(S3Store);
    expect(deps.config.siteUrl).toBe('https://news.example.cn');
  });
});

/** A WebSub hub on loopback recording the `hub.url` of each ping (form-decoded). */
const startHub = async (answer: (res: ServerResponse) => void = (res) => res.writeHead(204).end()) => {
  const pinged: string[] = [];
  const contentTypes = new Set<string | undefined>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString());
      if (form.get('hub.mode') === 'publish') pinged.push(form.get('hub.url') ?? '');
      contentTypes.add(req.headers['content-type']);
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    pinged,
    contentTypes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

const subscriptionFeedPattern = new RegExp(
  `^feeds/[^/]+/(${Object.values(feedFileNames).join('|').replace(/\./g, '\\.')})$`,
);

/** Keys of the subscription feeds whose bytes differ between two site snapshots. */
const changedFeeds = (before: Record<string, { body: string }>, after: Record<string, { body: string }>) =>
  Object.keys(after)
    .filter((key) => subscriptionFeedPattern.test(key) && before[key]?.body !== after[key]!.body)
    .sort();

const page01Event = { Records: [record('ObjectCreated:Put', 'incoming/2024-11-30/01.txt', '1')] } as S3Event;
const page02Event = { Records: [record('ObjectCreated:Put', 'incoming/2024-11-30/02.txt', '2')] } as S3Event;

describe('build-feeds handler WebSub pings', () => {
  let closeHub: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await closeHub?.();
    closeHub = undefined;
  });

  const hubDeps = (hubUrl: string, log?: Log) =>
    makeDeps({
      config: parseSiteConfig({ siteUrl: 'https://news.example.cn', websubHub: hubUrl }),
      ...(log ? { log } : {}),
    });

  it('pings the hub with exactly the subscription feeds each upload changed', async () => {
    const hub = await startHub();
    closeHub = hub.close;
    const deps = { ...hubDeps(hub.url), fetch };
    const handle = createHandler(deps);

    await upload(deps.input, 'incoming/2024-11-30/01.txt', fixture('01'));
    const empty = await snapshot(deps.site);
    await handle(page01Event);
    const afterFirst = await snapshot(deps.site);
    const first = changedFeeds(empty, afterFirst);
    expect(first).toContain('feeds/all/rss.xml');
    expect([...hub.pinged].sort()).toEqual(first.map((key) => `https://news.example.cn/${key}`));
    expect(hub.pinged.some((url) => url.includes('/archive/'))).toBe(false);
    expect([...hub.contentTypes]).toEqual(['application/x-www-form-urlencoded']);

    hub.pinged.length = 0;
    await upload(deps.input, 'incoming/2024-11-30/02.txt', fixture('02'));
    await handle(page02Event);
    const second = changedFeeds(afterFirst, await snapshot(deps.site));
    // Page 02 is another section (综合): the first page's section feeds (要闻) did not change.
    expect(first).toContain('feeds/yaowen/rss.xml');
    expect(second).toContain('feeds/all/rss.xml');
    expect(second.filter((key) => key.startsWith('feeds/yaowen/'))).toEqual([]);
    expect([...hub.pinged].sort()).toEqual(second.map((key) => `https://news.example.cn/${key}`));
  });

  it('sends no ping when a redelivered upload changes nothing', async () => {
    const hub = await startHub();
    closeHub = hub.close;
    const deps = { ...hubDeps(hub.url), fetch };
    await upload(deps.input, 'incoming/2024-11-30/01.txt', fixture('01'));
    await createHandler(deps)(page01Event);
    expect(hub.pinged.length).toBeGreaterThan(0);
    hub.pinged.length = 0;
    await createHandler(deps)(page01Event);
    expect(hub.pinged).toEqual([]);
  });

  it('sends no request without a configured hub', async () => {
    const calls: unknown[] = [];
    const spy = ((...args: unknown[]) => {
      calls.push(args);
      return Promise.resolve(new Response(null, { status: 204 }));
    }) as typeof fetch;
    const deps = { ...makeDeps(), fetch: spy };
    await upload(deps.input, 'incoming/2024-11-30/01.txt', fixture('01'));
    await createHandler(deps)(page01Event);
    expect(await readIssue(deps.site, '2024-11-30')).toBeDefined();
    expect(calls).toEqual([]);
  });

  it('logs a warning and still succeeds when the hub answers 500', async () => {
    const hub = await startHub((res) => res.writeHead(500).end());
    closeHub = hub.close;
    const { log, lines } = recordingLog();
    const deps = { ...hubDeps(hub.url, log), fetch };
    await upload(deps.input, 'incoming/2024-11-30/01.txt', fixture('01'));
    await expect(createHandler(deps)(page01Event)).resolves.toBeUndefined();
    expect(hub.pinged.length).toBeGreaterThan(0);
    const warnings = lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(hub.pinged.length);
    expect(warnings[0]!.fields?.error).toBe('hub answered 500');
    expect(lines.some((l) => l.level === 'error')).toBe(false);
  });

  it('logs a warning and still succeeds when the ping times out', async () => {
    const { log, lines } = recordingLog();
    // What fetch does when AbortSignal.timeout fires: reject with a TimeoutError.
    const timingOut = ((_input: unknown, init?: RequestInit) =>
      new Promise((_resolve, reject) => {
        init?.signal?.throwIfAborted();
        reject(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
      })) as typeof fetch;
    const deps = { ...hubDeps('https://hub.example.net/', log), fetch: timingOut };
    await upload(deps.input, 'incoming/2024-11-30/01.txt', fixture('01'));
    await expect(createHandler(deps)(page01Event)).resolves.toBeUndefined();
    expect(await readIssue(deps.site, '2024-11-30')).toBeDefined();
    const warnings = lines.filter((l) => l.level === 'warn');
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.every((w) => String(w.fields?.error).startsWith('TimeoutError'))).toBe(true);
  });
});
