import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectTooLargeError, PreconditionFailedError } from '../../shared/errors.ts';
import { FsStore } from '../../shared/storage/fs-store.ts';
import { etagOf, MemoryStore } from '../../shared/storage/memory-store.ts';
import { S3Store } from '../../shared/storage/s3-store.ts';
import type { PutOptions, Store } from '../../shared/storage/store.ts';
import { startS3rver } from '../support/s3rver.ts';

/** How each implementation is made and torn down; the same tests run against all of them. */
interface Subject {
  store: Store;
  close(): Promise<void>;
}

const subjects: [string, () => Promise<Subject>][] = [
  ['MemoryStore', async () => ({ store: new MemoryStore(), close: async () => {} })],
  [
    'FsStore',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'fs-store-contract-'));
      return { store: new FsStore(dir), close: () => rm(dir, { recursive: true, force: true }) };
    },
  ],
  [
    'FsStore without per-write fsync (bulk import)',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'fs-store-contract-'));
      return {
        store: new FsStore(dir, { fsync: false }),
        close: () => rm(dir, { recursive: true, force: true }),
      };
    },
  ],
  [
    'S3Store on s3rver',
    async () => {
      const server = await startS3rver();
      return { store: new S3Store({ client: server.client, bucket: server.bucket }), close: server.stop };
    },
  ],
];

const json: PutOptions = { contentType: 'application/json; charset=utf-8', cacheControl: 'max-age=60' };
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

const collect = async (keys: AsyncIterable<string>) => {
  const out: string[] = [];
  for await (const key of keys) out.push(key);
  return out;
};

describe.each(subjects)('%s honours the storage contract', (_name, make) => {
  let subject: Subject;
  let store: Store;
  // Each test writes under its own prefix, so one store (one s3rver) serves the whole file.
  let counter = 0;
  const fresh = () => `t${++counter}/`;

  beforeAll(async () => {
    subject = await make();
    store = subject.store;
  });
  afterAll(async () => {
    await subject?.close();
  });

  it('refuses an object over maxBytes with ObjectTooLargeError and returns one at the cap', async () => {
    const key = `${fresh()}upload.txt`;
    await store.put(key, 'x'.repeat(1000), json);
    const error = await store.get(key, { maxBytes: 999 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectTooLargeError);
    expect((error as ObjectTooLargeError).size).toBe(1000);
    expect((await store.get(key, { maxBytes: 1000 }))?.body.byteLength).toBe(1000);
    expect(await store.get(`${key}.absent`, { maxBytes: 10 })).toBeUndefined();
  });

  it('answers undefined for an absent key', async () => {
    expect(await store.get(`${fresh()}missing.json`)).toBeUndefined();
  });

  it('returns the bytes, content type and cache-control that were put', async () => {
    const key = `${fresh()}object.bin`;
    const body = new Uint8Array([0, 1, 2, 127, 128, 254, 255, 10, 13]);
    const put = await store.put(key, body, {
      contentType: 'application/octet-stream',
      cacheControl: 'public, max-age=300',
    });
    const got = await store.get(key);
    expect(got).toBeDefined();
    expect([...got!.body]).toEqual([...body]);
    expect(got!.contentType).toBe('application/octet-stream');
    expect(got!.cacheControl).toBe('public, max-age=300');
    expect(got!.etag).toBe(put.etag);
    expect(got!.lastModified).toBeInstanceOf(Date);
  });

  it('stores a string body as UTF-8', async () => {
    const key = `${fresh()}title.txt`;
    await store.put(key, '衢州日报 第01版', {
      contentType: 'text/plain; charset=utf-8',
      cacheControl: 'no-cache',
    });
    const got = await store.get(key);
    expect(text(got!.body)).toBe('衢州日报 第01版');
    expect(got!.body.length).toBe(new TextEncoder().encode('衢州日报 第01版').length);
  });

  it('gives a strong quoted MD5 ETag: equal for equal bodies, different for different bodies', async () => {
    const p = fresh();
    const a = await store.put(`${p}a.json`, '{"n":1}', json);
    const b = await store.put(`${p}b.json`, '{"n":1}', json);
    const c = await store.put(`${p}c.json`, '{"n":2}', json);
    expect(a.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(a.etag).toBe(etagOf(new TextEncoder().encode('{"n":1}')));
    expect(b.etag).toBe(a.etag);
    expect(c.etag).not.toBe(a.etag);
    expect((await store.get(`${p}c.json`))!.etag).toBe(c.etag);
  });

  it('replaces body and metadata on an unconditional overwrite', async () => {
    const key = `${fresh()}page.html`;
    await store.put(key, '<p>old</p>', { contentType: 'text/html', cacheControl: 'max-age=1' });
    await store.put(key, '{"new":true}', json);
    const got = await store.get(key);
    expect(text(got!.body)).toBe('{"new":true}');
    expect(got!.contentType).toBe(json.contentType);
    expect(got!.cacheControl).toBe(json.cacheControl);
  });

  it('creates with ifNoneMatch * only when the key is absent, and leaves an existing object unchanged', async () => {
    const key = `${fresh()}once.json`;
    const first = await store.put(key, 'first', { ...json, ifNoneMatch: '*' });
    await expect(store.put(key, 'second', { ...json, ifNoneMatch: '*' })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    const got = await store.get(key);
    expect(text(got!.body)).toBe('first');
    expect(got!.etag).toBe(first.etag);
  });

  it('writes with ifMatch of the current ETag and refuses a stale one, leaving the object unchanged', async () => {
    const key = `${fresh()}issue.json`;
    const v1 = await store.put(key, 'v1', json);
    const v2 = await store.put(key, 'v2', { ...json, ifMatch: v1.etag });
    expect(text((await store.get(key))!.body)).toBe('v2');
    await expect(store.put(key, 'v3', { ...json, ifMatch: v1.etag })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    const got = await store.get(key);
    expect(text(got!.body)).toBe('v2');
    expect(got!.etag).toBe(v2.etag);
  });

  it('refuses ifMatch on an absent key and creates nothing', async () => {
    const key = `${fresh()}absent.json`;
    await expect(
      store.put(key, 'x', { ...json, ifMatch: etagOf(new Uint8Array([1])) }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(await store.get(key)).toBeUndefined();
  });

  it('deletes, and deleting again or deleting an absent key is not an error', async () => {
    const p = fresh();
    await store.put(`${p}gone.json`, 'x', json);
    await store.put(`${p}kept.json`, 'y', json);
    await store.delete(`${p}gone.json`);
    expect(await store.get(`${p}gone.json`)).toBeUndefined();
    await expect(store.delete(`${p}gone.json`)).resolves.toBeUndefined();
    await expect(store.delete(`${p}never.json`)).resolves.toBeUndefined();
    expect(text((await store.get(`${p}kept.json`))!.body)).toBe('y');
    expect(await collect(store.list(p))).toEqual([`${p}kept.json`]);
  });

  it('lists keys under a prefix, nested ones included, in lexicographic order and nothing else', async () => {
    const p = fresh();
    const keys = [
      `${p}feeds/all/rss.xml`,
      `${p}feeds/all/archive/2024-11-30/rss.xml`,
      `${p}feeds/yaowen/rss.xml`,
      `${p}feeds/all/atom.xml`,
      `${p}feeds.opml`,
      `${p}issues/2024-11-30.json`,
      `${p}feeds/all-old/rss.xml`,
    ];
    for (const key of keys) await store.put(key, key, json);
    expect(await collect(store.list(`${p}feeds/all/`))).toEqual([
      `${p}feeds/all/archive/2024-11-30/rss.xml`,
      `${p}feeds/all/atom.xml`,
      `${p}feeds/all/rss.xml`,
    ]);
    // A prefix is a string prefix, not a folder: it matches part of a name too.
    expect(await collect(store.list(`${p}feeds/all`))).toEqual([
      `${p}feeds/all-old/rss.xml`,
      `${p}feeds/all/archive/2024-11-30/rss.xml`,
      `${p}feeds/all/atom.xml`,
      `${p}feeds/all/rss.xml`,
    ]);
    expect(await collect(store.list(p))).toEqual([...keys].sort());
    expect(await collect(store.list(`${p}nothing/`))).toEqual([]);
  });

  it('round-trips and lists keys with Chinese characters and spaces', async () => {
    const p = fresh();
    const key = `${p}版面 01/衢州日报 要闻.txt`;
    const other = `${p}版面 01/a b+c%20d.txt`;
    await store.put(key, '要闻', { contentType: 'text/plain; charset=utf-8', cacheControl: 'no-cache' });
    await store.put(other, 'plus and percent', json);
    expect(text((await store.get(key))!.body)).toBe('要闻');
    expect(text((await store.get(other))!.body)).toBe('plus and percent');
    expect(await collect(store.list(`${p}版面 01/`))).toEqual([other, key].sort());
    await store.delete(key);
    expect(await store.get(key)).toBeUndefined();
  });

  it('lets exactly one of 8 concurrent ifNoneMatch * creates win', async () => {
    const key = `${fresh()}lock.json`;
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => store.put(key, `writer ${i}`, { ...json, ifNoneMatch: '*' })),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(7);
    for (const r of lost) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(PreconditionFailedError);
    const winner = results.indexOf(won[0]!);
    expect(text((await store.get(key))!.body)).toBe(`writer ${winner}`);
  });

  it('ends at exactly 16 after 16 concurrent read-modify-write increments that retry lost preconditions', async () => {
    const key = `${fresh()}counter.json`;
    await store.put(key, '0', { ...json, ifNoneMatch: '*' });
    const increment = async () => {
      for (;;) {
        const current = await store.get(key);
        const next = Number(text(current!.body)) + 1;
        try {
          await store.put(key, String(next), { ...json, ifMatch: current!.etag });
          return;
        } catch (error) {
          if (!(error instanceof PreconditionFailedError)) throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, increment));
    expect(text((await store.get(key))!.body)).toBe('16');
  });
});
