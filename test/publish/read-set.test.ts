import { describe, expect, it } from 'vitest';
import { canonicalJsonBytes, parseJsonBytes } from '../../shared/publish/canonical-json.ts';
import { ReadSet } from '../../shared/publish/read-set.ts';
import { MemoryStore } from '../../shared/storage/memory-store.ts';
import type { Store } from '../../shared/storage/store.ts';

const options = { contentType: 'application/json; charset=utf-8', cacheControl: 'no-store' } as const;
const keyOf = (id: string) => `docs/${id}.json`;

/** A store that counts GETs. */
const counting = (store: Store) => {
  const gets: string[] = [];
  const counted: Store = {
    get: (k, o) => {
      gets.push(k);
      return store.get(k, o);
    },
    put: (k, b, o) => store.put(k, b, o),
    delete: (k) => store.delete(k),
    list: (p) => store.list(p),
  };
  return { store: counted, gets };
};

describe('ReadSet', () => {
  it('reads a document once however many ask for it at once', async () => {
    const base = new MemoryStore();
    await base.put(keyOf('a'), canonicalJsonBytes({ v: 1 }), options);
    const { store, gets } = counting(base);
    const reads = new ReadSet(store, keyOf, parseJsonBytes<{ v: number }>);
    const values = await Promise.all([reads.get('a'), reads.get('a'), reads.get('a')]);
    expect(values).toEqual([{ v: 1 }, { v: 1 }, { v: 1 }]);
    expect(gets).toEqual([keyOf('a')]);
  });

  it('answers whether a document it read moved, and then holds it as it now stands', async () => {
    const base = new MemoryStore();
    await base.put(keyOf('a'), canonicalJsonBytes({ v: 1 }), options);
    const { store, gets } = counting(base);
    const reads = new ReadSet(store, keyOf, parseJsonBytes<{ v: number }>);
    await reads.get('a');
    await reads.get('absent');
    expect(await reads.moved()).toBe(false);
    await base.put(keyOf('a'), canonicalJsonBytes({ v: 2 }), options);
    expect(await reads.moved()).toBe(true);
    expect(await reads.get('a')).toEqual({ v: 2 });
    expect(await reads.moved()).toBe(false);
    // One read each, then one per key and check; nothing read again to serve the moved one.
    expect(gets.length).toBe(2 + 2 * 3);
  });

  it('notices a document that appears where it read none', async () => {
    const base = new MemoryStore();
    const reads = new ReadSet(base, keyOf, parseJsonBytes<{ v: number }>);
    expect(await reads.get('a')).toBeUndefined();
    await base.put(keyOf('a'), canonicalJsonBytes({ v: 1 }), options);
    expect(await reads.moved()).toBe(true);
    expect(await reads.get('a')).toEqual({ v: 1 });
  });

  it('serves a seeded document without a read and checks it only once it was used', async () => {
    const base = new MemoryStore();
    const { etag } = await base.put(keyOf('a'), canonicalJsonBytes({ v: 1 }), options);
    const { store, gets } = counting(base);
    const reads = new ReadSet(store, keyOf, parseJsonBytes<{ v: number }>);
    reads.seed('a', { v: 1 }, etag);
    await base.put(keyOf('a'), canonicalJsonBytes({ v: 2 }), options);
    expect(await reads.moved()).toBe(false);
    expect(gets).toEqual([]);
    expect(await reads.get('a')).toEqual({ v: 1 });
    expect(await reads.moved()).toBe(true);
    expect(await reads.get('a')).toEqual({ v: 2 });
  });
});
