import { describe, expect, it } from 'vitest';
import { StorageError } from '../../shared/errors.ts';
import { MemoryStore } from '../../shared/storage/memory-store.ts';
import type { PutOptions } from '../../shared/storage/store.ts';
import { CountingStore, FaultyStore } from '../support/instrumented-store.ts';

const json: PutOptions = { contentType: 'application/json', cacheControl: 'no-cache' };

const collect = async (keys: AsyncIterable<string>) => {
  const out: string[] = [];
  for await (const key of keys) out.push(key);
  return out;
};

describe('CountingStore', () => {
  it('counts each kind of request and passes it through', async () => {
    const inner = new MemoryStore();
    const store = new CountingStore(inner);
    await store.put('a.json', '1', json);
    await store.put('b.json', '2', json);
    expect(await store.get('a.json')).toBeDefined();
    await store.get('missing.json');
    expect(await collect(store.list(''))).toEqual(['a.json', 'b.json']);
    await store.delete('a.json');
    expect(store.counts()).toEqual({ get: 2, put: 2, list: 1, delete: 1 });
    expect(store.putKeys).toEqual(['a.json', 'b.json']);
    expect(inner.size).toBe(1);
  });

  it('starts again from zero after reset', async () => {
    const store = new CountingStore(new MemoryStore());
    await store.put('a.json', '1', json);
    store.reset();
    await store.get('a.json');
    expect(store.counts()).toEqual({ get: 1, put: 0, list: 0, delete: 0 });
    expect(store.putKeys).toEqual([]);
  });
});

describe('FaultyStore', () => {
  it('fails the nth put once, before writing, and lets the others through', async () => {
    const inner = new MemoryStore();
    const store = new FaultyStore(inner).failOnPut(2);
    await store.put('1.json', '1', json);
    await expect(store.put('2.json', '2', json)).rejects.toBeInstanceOf(StorageError);
    await store.put('3.json', '3', json);
    await store.put('2.json', '2', json);
    expect(await collect(inner.list(''))).toEqual(['1.json', '2.json', '3.json']);
    expect(store.puts).toBe(4);
    expect(store.injected).toHaveLength(1);
  });

  it('can fail after the write, as a lost answer does', async () => {
    const inner = new MemoryStore();
    const store = new FaultyStore(inner).failOnPut(1, 'after');
    await expect(store.put('a.json', 'written', json)).rejects.toBeInstanceOf(StorageError);
    expect(new TextDecoder().decode((await inner.get('a.json'))!.body)).toBe('written');
  });

  it('fails every put a predicate picks, and reads, lists and deletes on request', async () => {
    const inner = new MemoryStore();
    const store = new FaultyStore(inner)
      .failPutWhen((attempt) => attempt.key.startsWith('feeds/'))
      .failOtherWhen((method, key) => method !== 'delete' && key.startsWith('issues/'));
    await expect(store.put('feeds/all/rss.xml', '<rss/>', json)).rejects.toBeInstanceOf(StorageError);
    await expect(store.put('feeds/all/atom.xml', '<feed/>', json)).rejects.toBeInstanceOf(StorageError);
    await store.put('issues/2024-11-30.json', '{}', json);
    await expect(store.get('issues/2024-11-30.json')).rejects.toBeInstanceOf(StorageError);
    await expect(collect(store.list('issues/'))).rejects.toBeInstanceOf(StorageError);
    await store.delete('issues/2024-11-30.json');
    expect(inner.size).toBe(0);
  });

  it('passes everything through after clear', async () => {
    const store = new FaultyStore(new MemoryStore()).failPutWhen(() => true);
    store.clear();
    await expect(store.put('a.json', '1', json)).resolves.toHaveProperty('etag');
    expect(store.puts).toBe(1);
  });
});
