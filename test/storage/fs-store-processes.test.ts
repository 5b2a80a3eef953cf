import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageError } from '../../shared/errors.ts';
import { isStaleLock, type LockOwner, processExists } from '../../shared/storage/file-lock.ts';
import { FsStore } from '../../shared/storage/fs-store.ts';
import { repoRoot, runChild, tsx } from '../scripts/support/child.ts';

const text = { contentType: 'text/plain', cacheControl: 'no-store' };

/** The pid of a process that has exited (the OS may reuse it later, which the age rule covers). */
const deadPid = async () => {
  const child = spawn(process.execPath, ['-e', '']);
  const pid = child.pid!;
  await new Promise((resolve) => child.on('close', resolve));
  return pid;
};

/** A lock file as its owner leaves it. */
const placeLock = async (path: string, owner: LockOwner) => {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify(owner));
};

describe('FsStore across processes', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'fs-store-processes-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('keeps every conditional increment of eight processes racing on one object', async () => {
    const processes = 8;
    const times = 15;
    const results = await Promise.all(
      Array.from({ length: processes }, () =>
        runChild(tsx, ['test/storage/support/counter-child.ts', root, 'state/counter.txt', String(times)]),
      ),
    );
    for (const result of results) expect(result.stderr).toBe('');
    expect(results.map((r) => r.code)).toEqual(Array(processes).fill(0));
    const counter = await new FsStore(root).get('state/counter.txt');
    expect(new TextDecoder().decode(counter!.body)).toBe(String(processes * times));
    // Every lock was released.
    expect(await readdir(join(root, '.locks'))).toEqual([]);
  }, 180_000);

  it('makes other processes wait while one holds the site lock, so no write of theirs interleaves', async () => {
    const key = 'state/counter.txt';
    const holder = new FsStore(root);
    const siteLock = await holder.lockSite();
    const children = Array.from({ length: 2 }, () => {
      const child = spawn(tsx, ['test/storage/support/counter-child.ts', root, key, '10'], { cwd: repoRoot });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
      });
      const ready = new Promise((resolve) => child.stdout.once('data', resolve));
      const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
        child.on('close', (code) => resolve({ code, stderr })),
      );
      return { ready, done };
    });
    await Promise.all(children.map((c) => c.ready));
    // Unconditional read-modify-writes with a pause between read and write, as only a lock holder
    // may do: a child's write landing in between would be lost, and the count would be short.
    for (let i = 0; i < 10; i += 1) {
      const current = await holder.get(key);
      await new Promise((resolve) => setTimeout(resolve, 30));
      const count = current === undefined ? 0 : Number(new TextDecoder().decode(current.body));
      await holder.put(key, String(count + 1), text);
    }
    expect(new TextDecoder().decode((await holder.get(key))!.body)).toBe('10');
    expect(await readdir(join(root, '.locks'))).toContain('site.lock');
    await siteLock.release();
    const results = await Promise.all(children.map((c) => c.done));
    expect(results).toEqual([
      { code: 0, stderr: '' },
      { code: 0, stderr: '' },
    ]);
    expect(new TextDecoder().decode((await holder.get(key))!.body)).toBe('30');
    expect(await readdir(join(root, '.locks'))).toEqual([]);
  }, 180_000);

  it('waits for the writes other processes have under way before it holds the site lock', async () => {
    const store = new FsStore(root, { lock: { timeoutMs: 5_000 } });
    const keyLock = store.lockPathOf('a.txt');
    const owner: LockOwner = { pid: process.pid, host: hostname(), at: Date.now(), token: 'writing' };
    await placeLock(keyLock, owner);
    let held = false;
    const taking = store.lockSite().then((lock) => {
      held = true;
      return lock;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(held).toBe(false);
    await rm(keyLock);
    const lock = await taking;
    await lock.release();
    expect(await readdir(dirname(keyLock))).toEqual([]);
  });

  it('breaks the site lock of an importer that died, and writes', async () => {
    const store = new FsStore(root);
    const owner: LockOwner = { pid: await deadPid(), host: hostname(), at: Date.now(), token: 'crashed' };
    await placeLock(store.siteLockPath, owner);
    await store.put('a.txt', 'x', text);
    expect(new TextDecoder().decode((await store.get('a.txt'))!.body)).toBe('x');
    expect(await readdir(dirname(store.siteLockPath))).toEqual([]);
  });

  it('recovers a lock left behind by a writer that died', async () => {
    const store = new FsStore(root);
    const lock = store.lockPathOf('feeds/all/rss.xml');
    const owner: LockOwner = { pid: await deadPid(), host: hostname(), at: Date.now(), token: 'crashed' };
    await placeLock(lock, owner);
    const { etag } = await store.put('feeds/all/rss.xml', '<rss/>', { ...text, ifNoneMatch: '*' });
    expect((await store.get('feeds/all/rss.xml'))?.etag).toBe(etag);
    expect(await readdir(dirname(lock))).toEqual([]);
  });

  it('waits for a live holder and gives up with a StorageError, leaving its lock', async () => {
    const store = new FsStore(root, { lock: { timeoutMs: 300 } });
    const lock = store.lockPathOf('a.txt');
    const owner: LockOwner = { pid: process.pid, host: hostname(), at: Date.now(), token: 'alive' };
    await placeLock(lock, owner);
    await expect(store.put('a.txt', 'x', text)).rejects.toBeInstanceOf(StorageError);
    expect(await store.get('a.txt')).toBeUndefined();
    expect(await readdir(dirname(lock))).toEqual([`${lock.slice(dirname(lock).length + 1)}`]);
  });

  it('breaks a lock older than the staleness limit even when its pid exists', async () => {
    const store = new FsStore(root, { lock: { staleMs: 1_000, timeoutMs: 5_000 } });
    const lock = store.lockPathOf('a.txt');
    const owner: LockOwner = { pid: process.pid, host: 'other-host', at: Date.now() - 2_000, token: 'old' };
    await placeLock(lock, owner);
    await store.put('a.txt', 'x', text);
    expect(new TextDecoder().decode((await store.get('a.txt'))!.body)).toBe('x');
  });
});

describe('isStaleLock', () => {
  it('is stale for a dead pid of this host, fresh for a live one, stale for any owner past the limit', async () => {
    const now = Date.now();
    const dead = await deadPid();
    expect(processExists(dead)).toBe(false);
    expect(isStaleLock({ pid: dead, host: hostname(), at: now, token: '' }, now, 60_000)).toBe(true);
    expect(isStaleLock({ pid: process.pid, host: hostname(), at: now, token: '' }, now, 60_000)).toBe(false);
    // Another host's pid says nothing here: only the age counts.
    expect(isStaleLock({ pid: dead, host: 'elsewhere', at: now, token: '' }, now, 60_000)).toBe(false);
    expect(
      isStaleLock({ pid: process.pid, host: hostname(), at: now - 61_000, token: '' }, now, 60_000),
    ).toBe(true);
  });
});
