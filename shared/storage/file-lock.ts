import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { StorageError } from '../errors.ts';
import { errnoOf } from './fs-errno.ts';

/**
 * A lock held across processes: a lock file created exclusively (`open(path, 'wx')`, O_EXCL),
 * removed on release. Several `npm run publish` processes writing one data folder take it around
 * each conditional write, so the check of the current ETag and the rename that replaces the
 * object are one step for every process, not only for the callers in one process.
 *
 * A writer that crashed (SIGKILL, power loss) leaves its lock file behind. The file names its
 * owner (`pid`, host name, time taken, a random token); a lock is stale when its owner is a
 * process of this host that no longer exists, or when it is older than `staleMs` (a pid reused
 * by another program, or an owner on another host sharing the folder). Locks are held for the
 * milliseconds of one write, so the age rule only ever fires for a crashed or frozen writer.
 */

/** What a lock file holds. */
export interface LockOwner {
  pid: number;
  host: string;
  /** Epoch milliseconds when the lock was taken. */
  at: number;
  /** Tells this holder's file from a later holder's at the same path. */
  token: string;
}

export interface FileLockOptions {
  /** A lock older than this is broken whoever holds it (default 60 s). */
  staleMs?: number;
  /** Give up waiting (StorageError: transient, the caller retries) after this (default 30 s). */
  timeoutMs?: number;
}

const defaultStaleMs = 60_000;
const defaultTimeoutMs = 30_000;

/** Whether a process with this pid exists on this host (EPERM: it exists, owned by someone else). */
export const processExists = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoOf(error) === 'EPERM';
  }
};

const readOwner = async (path: string): Promise<LockOwner | undefined> => {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<LockOwner>;
    if (
      typeof parsed.pid === 'number' &&
      typeof parsed.host === 'string' &&
      typeof parsed.at === 'number' &&
      typeof parsed.token === 'string'
    )
      return parsed as LockOwner;
    return undefined;
  } catch {
    // Gone, or still empty: its creator has not written it yet.
    return undefined;
  }
};

/** Whether a lock file's owner can no longer be holding it. */
export const isStaleLock = (owner: LockOwner, now: number, staleMs: number): boolean =>
  (owner.host === hostname() && !processExists(owner.pid)) || now - owner.at > staleMs;

/**
 * Remove a stale lock without removing a fresh one taken meanwhile: move it aside (atomic),
 * check the moved file is the stale owner's, and put a fresh one back if it is not.
 */
const breakLock = async (path: string, stale: LockOwner) => {
  const aside = `${path}.${randomUUID()}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return; // Someone else broke it first.
    throw error;
  }
  const moved = await readOwner(aside);
  if (moved !== undefined && moved.token !== stale.token) {
    // A live holder's lock: restore it unless yet another writer already holds the path.
    await link(aside, path).catch(() => undefined);
  }
  await rm(aside, { force: true });
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Remove our own lock file only: a lock broken as stale (a frozen holder) now belongs to another. */
const releaseLockFile = async (path: string, owner: LockOwner) => {
  const current = await readOwner(path);
  if (current?.token === owner.token) await unlink(path).catch(() => undefined);
};

/**
 * Create the lock file at `path` exclusively, breaking a stale one; wait (with jitter) while a
 * live owner holds it.
 * @throws StorageError when it stays held by a live owner past `deadline`
 */
const takeLockFile = async (path: string, owner: LockOwner, staleMs: number, deadline: number) => {
  for (let attempt = 0; ; attempt += 1) {
    owner.at = Date.now();
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(JSON.stringify(owner));
      } finally {
        await handle.close();
      }
      return;
    } catch (error) {
      const code = errnoOf(error);
      if (code === 'ENOENT') {
        await mkdir(dirname(path), { recursive: true });
        continue;
      }
      if (code !== 'EEXIST') throw new StorageError(`taking lock ${path} failed`, { cause: error });
    }
    const state = await lockState(path, staleMs);
    if (state.kind === 'stale') {
      await breakLock(path, state.owner);
      continue;
    }
    if (Date.now() > deadline)
      throw new StorageError(
        `lock ${path} still held${state.kind === 'held' && state.owner !== undefined ? ` by pid ${state.owner.pid} on ${state.owner.host}` : ''}`,
      );
    await pause(1 + Math.random() * Math.min(50, 2 ** Math.min(attempt, 6)));
  }
};

type LockState =
  | { kind: 'absent' }
  | { kind: 'stale'; owner: LockOwner }
  | { kind: 'held'; owner: LockOwner | undefined };

/** Who holds the lock file at `path`, if anyone can still be holding it. */
const lockState = async (path: string, staleMs: number): Promise<LockState> => {
  const holder = await readOwner(path);
  if (holder !== undefined)
    return isStaleLock(holder, Date.now(), staleMs)
      ? { kind: 'stale', owner: holder }
      : { kind: 'held', owner: holder };
  // Empty or unreadable: a creator between `open` and `write`, or one that crashed there.
  const made = await stat(path).then(
    (s) => s.mtimeMs,
    () => undefined,
  );
  if (made === undefined) return { kind: 'absent' };
  return Date.now() - made > staleMs
    ? { kind: 'stale', owner: { pid: -1, host: '', at: made, token: '' } }
    : { kind: 'held', owner: undefined };
};

/**
 * Run `task` holding the lock file at `path` (its folder is created when missing).
 *
 * `yieldTo` names a site-wide lock ({@link holdExclusiveLock}): while another process holds it,
 * this lock is given back and taken again once that holder is done — however long that takes,
 * for a live holder keeps its lock fresh; only a stuck per-key holder times out.
 * @throws StorageError when the lock stays held by a live owner for `timeoutMs`
 */
export const withFileLock = async <T>(
  path: string,
  task: () => Promise<T>,
  options: FileLockOptions & { yieldTo?: string } = {},
): Promise<T> => {
  const staleMs = options.staleMs ?? defaultStaleMs;
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const owner: LockOwner = { pid: process.pid, host: hostname(), at: 0, token: randomUUID() };
  for (;;) {
    await takeLockFile(path, owner, staleMs, Date.now() + timeoutMs);
    // Taken before looking: a site-wide holder that starts after this look sees our lock and
    // waits for it (holdExclusiveLock), so the two never both proceed.
    if (!(await yieldsTo(options.yieldTo, staleMs))) break;
    await releaseLockFile(path, owner);
    await pause(20 + Math.random() * 80);
  }
  try {
    return await task();
  } finally {
    await releaseLockFile(path, owner);
  }
};

/** Whether a live holder has the site-wide lock at `path` (a stale one is broken first). */
const yieldsTo = async (path: string | undefined, staleMs: number): Promise<boolean> => {
  if (path === undefined) return false;
  for (;;) {
    const state = await lockState(path, staleMs);
    if (state.kind !== 'stale') return state.kind === 'held';
    await breakLock(path, state.owner);
  }
};

/** A site-wide lock held by this process; `release` gives it back (idempotent). */
export interface HeldLock {
  release(): Promise<void>;
}

/**
 * Take the lock file at `path` as a lock over every per-key lock in `folder` (those whose
 * `withFileLock` yields to `path`): once it is ours, wait until no per-key lock is held any more
 * (they last the milliseconds of one write); from then on, other processes wait before each
 * write until it is released, and its holder may write without per-key lock files. A second
 * site-wide taker waits for the first. The holder rewrites its `at` every quarter of `staleMs`,
 * so a long import is not mistaken for a crashed one; a crashed holder's lock goes stale.
 * @throws StorageError when a per-key lock stays held by a live owner for `timeoutMs`
 */
export const holdExclusiveLock = async (
  path: string,
  folder: string,
  options: FileLockOptions = {},
): Promise<HeldLock> => {
  const staleMs = options.staleMs ?? defaultStaleMs;
  const owner: LockOwner = { pid: process.pid, host: hostname(), at: 0, token: randomUUID() };
  await takeLockFile(path, owner, staleMs, Number.POSITIVE_INFINITY);
  const heartbeat = setInterval(() => {
    void refreshLockFile(path, owner).catch(() => undefined);
  }, staleMs / 4);
  heartbeat.unref();
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    clearInterval(heartbeat);
    await releaseLockFile(path, owner);
  };
  try {
    await waitForKeyLocks(path, folder, staleMs, Date.now() + (options.timeoutMs ?? defaultTimeoutMs));
  } catch (error) {
    await release();
    throw error;
  }
  return { release };
};

/** Rewrite the holder's lock file with a fresh `at` (in place: same length, so never empty to a reader). */
const refreshLockFile = async (path: string, owner: LockOwner) => {
  if ((await readOwner(path))?.token !== owner.token) return;
  owner.at = Date.now();
  const handle = await open(path, 'r+');
  try {
    const bytes = Buffer.from(JSON.stringify(owner));
    await handle.write(bytes, 0, bytes.byteLength, 0);
    await handle.truncate(bytes.byteLength);
  } finally {
    await handle.close();
  }
};

/** Wait until `folder` holds no live lock file but `own` (stale ones are broken). */
const waitForKeyLocks = async (own: string, folder: string, staleMs: number, deadline: number) => {
  for (let attempt = 0; ; attempt += 1) {
    const names = await readdir(folder).catch((error: unknown) => {
      if (errnoOf(error) === 'ENOENT') return [] as string[];
      throw new StorageError(`listing locks in ${folder} failed`, { cause: error });
    });
    let held: string | undefined;
    for (const name of names) {
      const path = join(folder, name);
      if (!name.endsWith('.lock') || path === own) continue;
      const state = await lockState(path, staleMs);
      if (state.kind === 'stale') await breakLock(path, state.owner);
      else if (state.kind === 'held') held = path;
    }
    if (held === undefined) return;
    if (Date.now() > deadline) throw new StorageError(`lock ${held} still held`);
    await pause(1 + Math.random() * Math.min(50, 2 ** Math.min(attempt, 6)));
  }
};
