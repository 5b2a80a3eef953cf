import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalPublisher } from '../../scripts/lib/local-publisher.ts';
import { createS3Client } from '../../shared/storage/s3-store.ts';
import { eventually, issueFixturePages, type StartedSite, startSite } from './support/local-site.ts';

describe('npm start --s3 publishes what is uploaded through the S3 API', () => {
  let started: StartedSite;
  let client: S3Client;

  beforeAll(async () => {
    started = await startSite({ pages: ['01'], extra: { s3: { port: 0 } } });
    const s3 = started.publisher.s3!;
    client = createS3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
  });
  afterAll(async () => {
    client?.destroy();
    await started?.close();
  });

  it('prints the endpoint and the bucket', () => {
    const s3 = started.publisher.s3!;
    expect(s3.bucket).toBe('ingest');
    expect(s3.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(started.printed.join('\n')).toContain(s3.endpoint);
  });

  it('publishes a page PUT under incoming/ and ignores keys outside it', async () => {
    const pages = await issueFixturePages();
    const second = [...pages.keys()].find((p) => p !== '01')!;
    const body = await readFile(pages.get(second)!);
    const bucket = started.publisher.s3!.bucket;
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'notes/readme.txt', Body: 'not an upload' }),
    );
    const key = `incoming/2024-11-30/${second}.txt`;
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: 'text/plain; charset=utf-8',
      }),
    );
    const outcome = await eventually(`${key} from S3`, async () =>
      started.publisher.uploads.find((u) => u.key === key),
    );
    expect(outcome.via).toBe('s3');
    expect(outcome.ok).toBe(true);
    expect(outcome.pages).toEqual(expect.arrayContaining([1, Number(second)]));
    expect(started.publisher.uploads.some((u) => u.key === 'notes/readme.txt')).toBe(false);
    const feed = (await (await fetch(`${started.publisher.url}/feeds/all/feed.json`)).json()) as {
      items: { url: string }[];
    };
    expect(feed.items.some((i) => i.url.includes(`/articles/2024-11-30/p${Number(second)}-`))).toBe(true);
  });

  it('publishes at start an S3 upload the site has no report for, and retracts it on DeleteObject', async () => {
    const key = started.publisher.uploads.find((u) => u.via === 's3')?.key;
    expect(key).toBeDefined();
    const { port, dataDir } = started.publisher;
    await started.publisher.stop();
    // As if the notification had been lost: the object is in the bucket, the site never saw it.
    await rm(join(dataDir, 'site', 'reports', `${key}.json`));
    const restarted = await startLocalPublisher({
      data: dataDir,
      port,
      s3: { port: 0 },
      pollIntervalMs: 100,
      print: () => {},
    });
    const again = createS3Client({
      endpoint: restarted.s3!.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    try {
      expect(restarted.uploads.map((u) => [u.key, u.via, u.ok])).toEqual([[key, 's3', true]]);
      expect((await fetch(`${restarted.url}/reports/${key}.json`)).status).toBe(200);

      // A DeleteObject retracts, as the ObjectRemoved notification does on AWS.
      const pageUrls = async () =>
        (
          (await (await fetch(`${restarted.url}/feeds/all/feed.json`)).json()) as { items: { url: string }[] }
        ).items
          .map((i) => i.url)
          .filter((u) => u.includes(`/articles/2024-11-30/p${Number(key!.slice(-6, -4))}-`));
      expect((await pageUrls()).length).toBeGreaterThan(0);
      await again.send(new DeleteObjectCommand({ Bucket: restarted.s3!.bucket, Key: key }));
      const removal = await eventually('the removal', async () =>
        restarted.uploads.find((u) => u.key === key && u.type === 'removed'),
      );
      expect(removal.ok).toBe(true);
      expect(await pageUrls()).toEqual([]);
    } finally {
      again.destroy();
      await restarted.stop();
    }
  });
});
