import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalS3, type LocalS3Change, startLocalS3 } from '../../../scripts/lib/local-s3.ts';

describe('startLocalS3', () => {
  let s3: LocalS3 | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await s3?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    s3 = undefined;
  });

  const waitFor = async (changes: LocalS3Change[], count: number) => {
    const deadline = Date.now() + 10_000;
    while (changes.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  };

  it('reports raw keys of objects put and deleted, and reads them back through the input store', async () => {
    dir = await mkdtemp(join(tmpdir(), 'local-s3-'));
    const changes: LocalS3Change[] = [];
    s3 = await startLocalS3({
      directory: dir,
      host: '127.0.0.1',
      port: 0,
      bucket: 'ingest',
      onObject: (change) => changes.push(change),
    });
    expect(s3.endpoint).toBe(`http://127.0.0.1:${s3.port}`);
    const key = 'incoming/2024-11-30/第 2 版.txt';
    await s3.client.send(new PutObjectCommand({ Bucket: 'ingest', Key: key, Body: '衢州日报 page' }));
    await waitFor(changes, 1);
    expect(changes[0]).toMatchObject({ type: 'created', key, size: Buffer.byteLength('衢州日报 page') });

    const stored = await s3.input.get(key);
    expect(new TextDecoder().decode(stored?.body)).toBe('衢州日报 page');
    const listed: string[] = [];
    for await (const k of s3.input.list('incoming/')) listed.push(k);
    expect(listed).toEqual([key]);

    await s3.client.send(new DeleteObjectCommand({ Bucket: 'ingest', Key: key }));
    await waitFor(changes, 2);
    expect(changes[1]).toEqual({ type: 'removed', key });
  });
});
