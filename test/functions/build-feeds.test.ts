import { readFileSync } from 'node:fs';
import type { S3Event } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createHandler, productionDeps, uploadEventsOf } from '../../functions/build-feeds/handler.ts';
import { ConfigError, StorageError } from '../../shared/errors.ts';
import type { Log } from '../../shared/log.ts';
import { S3Store } from '../../shared/storage/s3-store.ts';
import { fixture, makeDeps, readIssue, snapshot, upload } from '../publish/publish-kit.ts';
import { FaultyStore } from '../support/instrumented-store.ts';

const chineseKeys = JSON.parse(
  readFileSync(new URL('../fixtures/events/chinese-keys.json', import.meta.url), 'utf8'),
) as S3Event;

/** An S3 record for a key as S3 encodes it in notifications. */
const record = (eventName: string, encodedKey: string, sequencer: string) => ({
  ...chineseKeys.Records[0]!,
  eventName,
  s3: { ...chineseKeys.Records[0]!.s3, object: { key: encodedKey, size: 1, eTag: '', sequencer } },
});

const recordingLog = () => {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const log: Log = {
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
  };
  return { log, lines };
};

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
