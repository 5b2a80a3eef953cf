import { describe, expect, it } from 'vitest';
import { StorageError } from '../../shared/errors.ts';
import { canonicalJsonBytes, parseJsonBytes } from '../../shared/publish/canonical-json.ts';
import {
  jsonFormat,
  type RetryPolicy,
  updateVersioned,
  updateVersionedAll,
  type VersionedDocument,
  type WriteLog,
} from '../../shared/publish/store-io.ts';
import { MemoryStore } from '../../shared/storage/memory-store.ts';
import type { Store } from '../../shared/storage/store.ts';

interface Counter {
  n: number;
}

const options = { contentType: 'application/json; charset=utf-8', cacheControl: 'no-store' } as const;
const doc = (key: string): VersionedDocument<Counter> => ({ key, format: jsonFormat<Counter>, options });
const retry = (attempts: number): RetryPolicy => ({ attempts, pause: async () => {} });

const put = (store: Store, key: string, value: Counter) => store.put(key, canonicalJsonBytes(value), options);
const read = async (store: Store, key: string) => {
  const found = await store.get(key);
  return found === undefined ? undefined : parseJsonBytes<Counter>(found.body);
};

/** A store where another writer bumps `key` right after each of the first `times` reads of it. */
const racedStore = (store: Store, key: string, times: number): Store => {
  let left = times;
  return {
    get: async (k, o) => {
      const found = await store.get(k, o);
      if (k === key && left > 0) {
        left -= 1;
        const current = found === undefined ? { n: 0 } : parseJsonBytes<Counter>(found.body);
        await put(store, key, { n: current.n + 100 });
      }
      return found;
    },
    put: (k, b, o) => store.put(k, b, o),
    delete: (k) => store.delete(k),
    list: (p) => store.list(p),
  };
};

describe('updateVersioned', () => {
  it('creates an absent document only if it is still absent, and logs the write', async () => {
    const store = new MemoryStore();
    const writes: WriteLog = [];
    const result = await updateVersioned(
      store,
      doc('a.json'),
      (current) => ({ n: (current?.value.n ?? 0) + 1 }),
      {
        writes,
        retry: retry(3),
      },
    );
    expect(result.outcome).toBe('written');
    expect(result.before).toBeUndefined();
    expect(result.after?.value).toEqual({ n: 1 });
    expect(result.after?.etag).toBe((await store.get('a.json'))?.etag);
    expect(writes).toEqual(['a.json']);
  });

  it('applies the change again to the newer document when another writer got there first', async () => {
    const base = new MemoryStore();
    await put(base, 'a.json', { n: 1 });
    const writes: WriteLog = [];
    const seen: number[] = [];
    const result = await updateVersioned(
      racedStore(base, 'a.json', 2),
      doc('a.json'),
      (current) => {
        seen.push(current!.value.n);
        return { n: current!.value.n + 1 };
      },
      { writes, retry: retry(5) },
    );
    // Two lost races (1 → 101 → 201), then the change of the freshest document lands.
    expect(seen).toEqual([1, 101, 201]);
    expect(await read(base, 'a.json')).toEqual({ n: 202 });
    expect(result.before?.value).toEqual({ n: 201 });
    expect(writes).toEqual(['a.json']);
  });

  it('writes nothing when the change declines or gives the stored bytes', async () => {
    const store = new MemoryStore();
    await put(store, 'a.json', { n: 1 });
    const etag = (await store.get('a.json'))?.etag;
    const writes: WriteLog = [];
    const declined = await updateVersioned(store, doc('a.json'), () => undefined, {
      writes,
      retry: retry(3),
    });
    const same = await updateVersioned(store, doc('a.json'), () => ({ n: 1 }), { writes, retry: retry(3) });
    expect([declined.outcome, same.outcome]).toEqual(['declined', 'same']);
    expect(same.after?.etag).toBe(etag);
    expect(writes).toEqual([]);
  });

  it('runs beforeWrite before the conditional write, and again in the attempt after a lost race', async () => {
    const base = new MemoryStore();
    await put(base, 'a.json', { n: 1 });
    const order: string[] = [];
    await updateVersioned(racedStore(base, 'a.json', 1), doc('a.json'), (c) => ({ n: c!.value.n + 1 }), {
      writes: [],
      retry: retry(3),
      beforeWrite: async (next, current) => {
        order.push(`${current?.value.n}→${next.n}`);
      },
    });
    expect(order).toEqual(['1→2', '101→102']);
    expect(await read(base, 'a.json')).toEqual({ n: 102 });
  });

  it('gives up with a StorageError once every attempt lost a race', async () => {
    const base = new MemoryStore();
    await put(base, 'a.json', { n: 1 });
    const attempt = updateVersioned(
      racedStore(base, 'a.json', 10),
      doc('a.json'),
      (c) => ({ n: c!.value.n + 1 }),
      {
        writes: [],
        retry: retry(3),
      },
    );
    await expect(attempt).rejects.toThrow(StorageError);
    await expect(attempt).rejects.toThrow('gave up updating a.json after 3 conflicting writes');
  });
});

describe('updateVersionedAll', () => {
  it('reads the context once per attempt after the documents, and retries only the documents that lost', async () => {
    const base = new MemoryStore();
    await put(base, 'a.json', { n: 1 });
    await put(base, 'b.json', { n: 1 });
    await put(base, 'context.json', { n: 10 });
    const store = racedStore(base, 'b.json', 1);
    const changed: string[] = [];
    const results = await updateVersionedAll<Counter, number>(
      store,
      [doc('a.json'), doc('b.json')],
      (current, key, context) => {
        changed.push(key);
        return { n: current!.value.n + context };
      },
      {
        writes: [],
        retry: retry(3),
        context: async () => (await read(base, 'context.json'))!.n,
      },
    );
    expect(changed.sort()).toEqual(['a.json', 'b.json', 'b.json']);
    expect(await read(base, 'a.json')).toEqual({ n: 11 });
    expect(await read(base, 'b.json')).toEqual({ n: 111 });
    expect([...results.values()].map((r) => r.outcome)).toEqual(['written', 'written']);
  });
});
