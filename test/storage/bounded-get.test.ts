import { mkdtemp, open as openFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../../shared/config.ts';
import { ObjectTooLargeError } from '../../shared/errors.ts';
import { publishUpload } from '../../shared/publish/publish-upload.ts';
import { reportKey } from '../../shared/site-layout.ts';
import { FsStore } from '../../shared/storage/fs-store.ts';
import { MemoryStore } from '../../shared/storage/memory-store.ts';
import { S3Store } from '../../shared/storage/s3-store.ts';
import { makeDeps } from '../publish/publish-kit.ts';

const mb = 1024 * 1024;
const chunkSize = 64 * 1024;

/**
 * An S3 client whose every GetObject answers a body of `size` bytes, produced on demand and
 * counted: `pulled` is how much of the object the store actually downloaded.
 */
const countingS3 = (size: number, options: { sendLength: boolean }) => {
  const counter = { pulled: 0 };
  const client = {
    send: async () => {
      const chunks = async function* () {
        for (let sent = 0; sent < size; sent += chunkSize) {
          const n = Math.min(chunkSize, size - sent);
          counter.pulled += n;
          yield new Uint8Array(n).fill(0x61);
        }
      };
      const body = Readable.from(chunks(), { objectMode: false, highWaterMark: chunkSize });
      // The SDK's stream mixin: what an unbounded read calls.
      const mixin = Object.assign(body, {
        transformToByteArray: async () => {
          const parts: Buffer[] = [];
          for await (const part of body) parts.push(part as Buffer);
          return new Uint8Array(Buffer.concat(parts));
        },
      });
      return { Body: mixin, ETag: '"x"', ...(options.sendLength ? { ContentLength: size } : {}) };
    },
  } as unknown as S3Client;
  return { client, counter };
};

describe('reading under a size cap', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('S3Store refuses on Content-Length without downloading the body', async () => {
    const { client, counter } = countingS3(200 * mb, { sendLength: true });
    const store = new S3Store({ client, bucket: 'ingest' });
    await expect(store.get('incoming/big.txt', { maxBytes: 10 * mb })).rejects.toBeInstanceOf(
      ObjectTooLargeError,
    );
    // At most what the stream buffers ahead on its own, never the object.
    expect(counter.pulled).toBeLessThanOrEqual(2 * chunkSize);
  });

  it('S3Store stops downloading just past the cap when the length is not sent', async () => {
    const { client, counter } = countingS3(200 * mb, { sendLength: false });
    const store = new S3Store({ client, bucket: 'ingest' });
    await expect(store.get('incoming/big.txt', { maxBytes: 10 * mb })).rejects.toBeInstanceOf(
      ObjectTooLargeError,
    );
    expect(counter.pulled).toBeLessThanOrEqual(10 * mb + 2 * chunkSize);
  });

  it('publishing a 200 MB upload from S3 reports too-large having downloaded none of it', async () => {
    const { client, counter } = countingS3(200 * mb, { sendLength: true });
    const deps = makeDeps({
      input: new S3Store({ client, bucket: 'ingest' }),
      site: new MemoryStore(),
      config: parseSiteConfig({ siteUrl: 'https://news.example.cn' }),
    });
    const outcome = await publishUpload(deps, { type: 'created', key: 'incoming/2024-11-30/01.txt' });
    expect(outcome.report).toMatchObject({ ok: false, code: 'too-large' });
    expect(outcome.written).toEqual([reportKey('incoming/2024-11-30/01.txt')]);
    expect(counter.pulled).toBeLessThanOrEqual(2 * chunkSize);
  });

  it('FsStore refuses a 1 GB file on its size, reading none of it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bounded-get-'));
    dirs.push(dir);
    const store = new FsStore(dir);
    await store.put('incoming/big.txt', 'x', { contentType: 'text/plain', cacheControl: 'no-store' });
    // Sparse: a gigabyte on paper, no disk and no time to make.
    const handle = await openFile(join(dir, 'incoming', 'big.txt'), 'r+');
    await handle.truncate(1024 * mb);
    await handle.close();
    const before = process.memoryUsage().arrayBuffers;
    const error = await store.get('incoming/big.txt', { maxBytes: 10 * mb }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectTooLargeError);
    expect((error as ObjectTooLargeError).size).toBe(1024 * mb);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * mb);
  });
});
