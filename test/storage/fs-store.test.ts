import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidKeyError, PreconditionFailedError } from '../../shared/errors.ts';
import { FsStore } from '../../shared/storage/fs-store.ts';
import { etagOf } from '../../shared/storage/memory-store.ts';
import type { PutOptions } from '../../shared/storage/store.ts';

const json: PutOptions = { contentType: 'application/json; charset=utf-8', cacheControl: 'max-age=60' };
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

const collect = async (keys: AsyncIterable<string>) => {
  const out: string[] = [];
  for await (const key of keys) out.push(key);
  return out;
};

/** Every file under a folder, relative, with `/` separators. */
const filesUnder = async (dir: string): Promise<string[]> => {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) =>
      join(e.parentPath, e.name)
        .slice(dir.length + 1)
        .split('\\')
        .join('/'),
    )
    .sort();
};

describe('FsStore', () => {
  let parent: string;
  let root: string;

  beforeEach(async () => {
    // The store's root is a child folder, so escapes into the parent would be visible.
    parent = await mkdtemp(join(tmpdir(), 'fs-store-'));
    root = join(parent, 'store');
  });
  afterEach(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  it('keeps objects as plain files and their metadata in the hidden .meta tree', async () => {
    const store = new FsStore(root);
    await store.put('feeds/all/rss.xml', '<rss/>', {
      contentType: 'application/rss+xml',
      cacheControl: 'max-age=300',
    });
    expect(await readFile(join(root, 'feeds/all/rss.xml'), 'utf8')).toBe('<rss/>');
    const sidecar = JSON.parse(await readFile(join(root, '.meta/feeds/all/rss.xml.json'), 'utf8'));
    expect(sidecar).toEqual({
      etag: etagOf(new TextEncoder().encode('<rss/>')),
      contentType: 'application/rss+xml',
      cacheControl: 'max-age=300',
    });
  });

  it('leaves no temp files behind after writes, overwrites, failed conditions and deletes', async () => {
    const store = new FsStore(root);
    const first = await store.put('a/one.json', '1', json);
    await store.put('a/one.json', '2', { ...json, ifMatch: first.etag }).catch(() => undefined);
    await store.put('a/one.json', '3', { ...json, ifNoneMatch: '*' }).catch(() => undefined);
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.put(`b/${i}.json`, String(i), json)));
    await store.put('c/gone.json', 'x', json);
    await store.delete('c/gone.json');
    expect(await filesUnder(root)).toEqual([
      '.meta/a/one.json.json',
      ...Array.from({ length: 10 }, (_, i) => `.meta/b/${i}.json.json`).sort(),
      'a/one.json',
      ...Array.from({ length: 10 }, (_, i) => `b/${i}.json`).sort(),
    ]);
  });

  it.each([
    ['../escape.json'],
    ['a/../../escape.json'],
    ['a/../b.json'],
    ['/etc/passwd'],
    ['a\\..\\..\\escape.json'],
    ['a\0b'],
    ['C:/Windows/x'],
    [''],
    ['a//b.json'],
    ['./a.json'],
    ['a/.'],
    ['a/'],
    ['.meta/a.json.json'],
    ['.tmp/x'],
    ['.locks/x.lock'],
  ])('rejects the key %j on get, put and delete with InvalidKeyError', async (key) => {
    const store = new FsStore(root);
    await expect(store.put(key, 'x', json)).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(store.get(key)).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(store.delete(key)).rejects.toBeInstanceOf(InvalidKeyError);
    expect(await readdir(parent)).toEqual([]);
  });

  it('rejects list prefixes that would leave the root or read the hidden trees', async () => {
    const store = new FsStore(root);
    await store.put('a.json', 'x', json);
    for (const prefix of ['../', '/etc/', 'a/../../', '.meta/', '.tmp/'])
      await expect(collect(store.list(prefix))).rejects.toBeInstanceOf(InvalidKeyError);
  });

  it('lists neither sidecars nor temp files, whatever the prefix', async () => {
    const store = new FsStore(root);
    await store.put('x.json', 'x', json);
    await mkdir(join(root, '.tmp'), { recursive: true });
    await writeFile(join(root, '.tmp', 'left-over'), 'crash debris');
    expect(await collect(store.list(''))).toEqual(['x.json']);
    expect(await collect(store.list('.'))).toEqual([]);
  });

  it('keeps content type and cache-control for a new FsStore on the same folder', async () => {
    const written = await new FsStore(root).put('issues/2024-11-30.json', '{}', json);
    const got = await new FsStore(root).get('issues/2024-11-30.json');
    expect(got?.etag).toBe(written.etag);
    expect(got?.contentType).toBe(json.contentType);
    expect(got?.cacheControl).toBe(json.cacheControl);
  });

  it('reads a file dropped in by hand, with an MD5 ETag and no metadata', async () => {
    await mkdir(join(root, 'incoming/2024-11-30'), { recursive: true });
    await writeFile(join(root, 'incoming/2024-11-30/01.txt'), '衢州日报');
    const store = new FsStore(root);
    const got = await store.get('incoming/2024-11-30/01.txt');
    expect(text(got!.body)).toBe('衢州日报');
    expect(got!.etag).toBe(etagOf(new TextEncoder().encode('衢州日报')));
    expect(got!.contentType).toBeUndefined();
    expect(await collect(store.list('incoming/'))).toEqual(['incoming/2024-11-30/01.txt']);
  });

  it('ignores a sidecar that describes an older body, and honours ifMatch against the file on disk', async () => {
    const store = new FsStore(root);
    const old = await store.put('page.txt', 'old', { contentType: 'text/html', cacheControl: 'no-cache' });
    await writeFile(join(root, 'page.txt'), 'edited by hand');
    const got = await store.get('page.txt');
    expect(got!.etag).toBe(etagOf(new TextEncoder().encode('edited by hand')));
    expect(got!.contentType).toBeUndefined();
    await expect(store.put('page.txt', 'new', { ...json, ifMatch: old.etag })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    await store.put('page.txt', 'new', { ...json, ifMatch: got!.etag });
    expect(text((await store.get('page.txt'))!.body)).toBe('new');
  });

  it('takes lastModified from the file mtime', async () => {
    const store = new FsStore(root);
    await store.put('a.json', '{}', json);
    const { mtime } = await stat(join(root, 'a.json'));
    expect((await store.get('a.json'))!.lastModified?.getTime()).toBe(mtime.getTime());
  });

  it('refuses an object where other keys need a folder, and the reverse', async () => {
    const store = new FsStore(root);
    await store.put('a', 'object', json);
    await expect(store.put('a/b', 'nested', json)).rejects.toBeInstanceOf(InvalidKeyError);
    await store.put('c/d', 'nested', json);
    await expect(store.put('c', 'object', json)).rejects.toBeInstanceOf(InvalidKeyError);
    expect(await store.get('c')).toBeUndefined();
    expect(await store.get('a/b')).toBeUndefined();
    expect(await collect(store.list(''))).toEqual(['a', 'c/d']);
  });

  it('removes folders a delete leaves empty, so the key can later be an object', async () => {
    const store = new FsStore(root);
    await store.put('x/y/z.json', '{}', json);
    await store.put('keep.json', '{}', json);
    await store.delete('x/y/z.json');
    expect((await readdir(root)).sort()).toEqual(['.locks', '.meta', '.tmp', 'keep.json']);
    await store.put('x', 'now an object', json);
    expect(text((await store.get('x'))!.body)).toBe('now an object');
  });

  it('answers undefined for a key that is a folder of other keys, or lies under an object', async () => {
    const store = new FsStore(root);
    await store.put('folder/file.json', '{}', json);
    expect(await store.get('folder')).toBeUndefined();
    expect(await store.get('folder/file.json/deeper')).toBeUndefined();
    await expect(store.delete('folder')).resolves.toBeUndefined();
    expect(await store.get('folder/file.json')).toBeDefined();
  });
});
