import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublishedIssue } from '../../shared/model/published.ts';
import { S3Store } from '../../shared/storage/s3-store.ts';
import { photoLikeJpeg } from '../media/generated-pictures.ts';
import { startS3rver, type TestS3rver } from '../support/s3rver.ts';

/** Run `npm run import` (tsx) to completion; its output and exit code. */
const importCli = (args: string[]) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/import.ts', ...args], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

const page = (n: string) =>
  readFileSync(new URL(`../fixtures/quzhou-daily-2024-11-30-page${n}.txt`, import.meta.url));

describe('npm run import from an ingest bucket into a site bucket over the S3 API', () => {
  let s3: TestS3rver;
  beforeAll(async () => {
    s3 = await startS3rver({ bucket: 'paper' });
    for (const n of ['01', '02', '04'])
      await s3.client.send(
        new PutObjectCommand({ Bucket: s3.bucket, Key: `incoming/2024-11-30/${n}.txt`, Body: page(n) }),
      );
    await s3.client.send(
      new PutObjectCommand({
        Bucket: s3.bucket,
        Key: 'incoming/2024-11-30/03.txt',
        Body: new Uint8Array([0, 1, 2]),
      }),
    );
    await s3.client.send(
      new PutObjectCommand({
        Bucket: s3.bucket,
        Key: 'incoming/2024-11-30/01-古城韵味.jpg',
        Body: await photoLikeJpeg(800, 600),
      }),
    );
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it('refuses a new S3 site without --site-url, then imports text and a photo, reports and lists the rejected upload', async () => {
    const common = [`s3://${s3.bucket}/incoming/`, '--site', `s3://${s3.bucket}`, '--endpoint', s3.endpoint];
    const refused = await importCli(common);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--site-url');

    const run = await importCli([...common, '--site-url', 'https://news.example.cn']);
    expect(run.stdout).toContain('imported 4 of 5 uploads into 1 issues, 14 articles');
    expect(run.stdout).toContain('incoming/2024-11-30/03.txt: binary');
    expect(run.code).toBe(1);
    const site = new S3Store({ client: s3.client, bucket: s3.bucket });
    const feed = await site.get('feeds/zonghe/archive/2024-11-30/rss.xml');
    expect(new TextDecoder().decode(feed!.body)).toContain('https://news.example.cn/articles/2024-11-30/');
    expect(await site.get('reports/incoming/2024-11-30/03.txt.json')).toBeDefined();
    // The photo came in from the ingest bucket too, attached to the article its label begins.
    const issue = JSON.parse(
      new TextDecoder().decode((await site.get('issues/2024-11-30.json'))!.body),
    ) as PublishedIssue;
    const photos = issue.pages.flatMap((p) => p.articles.flatMap((a) => a.photos ?? []));
    expect(photos.map((photo) => photo.source)).toEqual(['incoming/2024-11-30/01-古城韵味.jpg']);
    expect(await site.get(photos[0]!.large.key)).toBeDefined();
  }, 120_000);
});
