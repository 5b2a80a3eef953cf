import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { StorageError } from '../errors.ts';

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

const errnoOf = (error: unknown) =>
  error instanceof Error && 'code' in error ? (error as NodeJS.ErrnoException).code : undefined;

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

/**
 * Run `task` holding the lock file at `path` (its folder is created when missing).
 * @throws StorageError when the lock stays held by a live owner for `timeoutMs`
 */
export const withFileLock = async <T>(
  path: string,
  task: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> => {
  const staleMs = options.staleMs ?? defaultStaleMs;
  const deadline = Date.now() + (options.timeoutMs ?? defaultTimeoutMs);
  const owner: LockOwner = { pid: process.pid, host: hostname(), at: 0, token: randomUUID() };
  for (let attempt = 0; ; attempt += 1) {
    owner.at = Date.now();
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(JSON.stringify(owner));
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      const code = errnoOf(error);
      if (code === 'ENOENT') {
        await mkdir(dirname(path), { recursive: true });
        continue;
      }
      if (code !== 'EEXIST') throw new StorageError(`taking lock ${path} failed`, { cause: error });
    }
    const holder = await readOwner(path);
    if (holder !== undefined && isStaleLock(holder, Date.now(), staleMs)) {
      await breakLock(path, holder);
      continue;
    }
    if (holder === undefined) {
      // Empty or unreadable: a creator between `open` and `write`, or one that crashed there.
      const made = await stat(path).then(
        (s) => s.mtimeMs,
        () => undefined,
      );
      if (made !== undefined && Date.now() - made > staleMs) {
        await breakLock(path, { pid: -1, host: '', at: made, token: '' });
        continue;
      }
    }
    if (Date.now() > deadline)
      throw new StorageError(
        `lock ${path} still held${holder === undefined ? '' : ` by pid ${holder.pid} on ${holder.host}`}`,
      );
    await pause(1 + Math.random() * Math.min(50, 2 ** Math.min(attempt, 6)));
  }
  try {
    return await task();
  } finally {
    // Remove only our own file: a lock broken as stale (a frozen holder) now belongs to another.
    const current = await readOwner(path);
    if (current?.token === owner.token) await rm(path, { force: true });
  }
};
