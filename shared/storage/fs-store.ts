import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, type Dirent } from 'node:fs';
import {
  copyFile,
  type FileHandle,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  rmdir,
} from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { InvalidKeyError, ObjectTooLargeError, PreconditionFailedError, StorageError } from '../errors.ts';
import { type FileLockOptions, type HeldLock, holdExclusiveLock, withFileLock } from './file-lock.ts';
import { etagOf } from './memory-store.ts';
import type { GetOptions, PutOptions, Store, StoredObject } from './store.ts';

/**
 * Runs async tasks one at a time per key, in call order; tasks on different keys run in parallel.
 * A failed task does not block the ones queued after it.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<void>>();

  /** Run `task` once every task queued earlier for `key` has settled. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    // Forget settled keys so a long-running process does not keep one entry per key ever written.
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Resolves once every task queued so far has settled. */
  async idle(): Promise<void> {
    await Promise.all(this.#tails.values());
  }

  /** Keys with queued or running tasks (tests). */
  get size() {
    return this.#tails.size;
  }
}

/** Hidden trees under the root; keys may not start with them. */
const metaDir = '.meta';
const tmpDir = '.tmp';
const locksDir = '.locks';
const reservedDirs = new Set([metaDir, tmpDir, locksDir]);

/** What the sidecar JSON holds. `etag` says which body the rest describes. */
interface Sidecar {
  etag: string;
  contentType?: string;
  cacheControl?: string;
}

const toBytes = (body: Uint8Array | string) =>
  typeof body === 'string' ? new TextEncoder().encode(body) : body;

const errnoOf = (error: unknown) =>
  error instanceof Error && 'code' in error ? (error as NodeJS.ErrnoException).code : undefined;

/** The object is absent when its file, or a folder on the way to it, is missing or is a folder. */
const isAbsent = (error: unknown) => {
  const code = errnoOf(error);
  // rm() reports a folder as ERR_FS_EISDIR, the other calls as EISDIR.
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'ERR_FS_EISDIR';
};

/** The segments of a key, or the reason it is refused. */
const segmentsOf = (key: string, kind: 'key' | 'prefix'): string[] => {
  const refuse = (reason: string): never => {
    throw new InvalidKeyError(key, reason);
  };
  if (key.includes('\0')) refuse('contains NUL');
  if (key.includes('\\')) refuse('contains a backslash');
  if (key.startsWith('/')) refuse('is absolute');
  if (/^[A-Za-z]:/.test(key)) refuse('starts with a drive letter');
  const segments = key.split('/');
  // A prefix may end in a partial (or empty) segment: only its folders become a path; the rest
  // is compared as a string, never joined.
  const folders = kind === 'prefix' ? segments.slice(0, -1) : segments;
  if (kind === 'key' && key === '') refuse('is empty');
  for (const segment of folders) {
    if (segment === '') refuse('has an empty path segment');
    if (segment === '.' || segment === '..') refuse(`has a "${segment}" segment`);
  }
  // The hidden trees hold sidecars and temp files; no key (nor listed folder) may reach them.
  const first = folders[0];
  if (first !== undefined && reservedDirs.has(first)) refuse(`starts with the reserved "${first}"`);
  return segments;
};

/**
 * Filesystem store: the embedded default for local runs (`npm start`, e2e tests).
 *
 * - Key `a/b.json` is the file `<root>/a/b.json`; its content type, cache-control and the ETag
 *   they describe live in `<root>/.meta/a/b.json.json`, so objects stay plain files a person can
 *   open and `list()` never has to guess which files are sidecars.
 * - Writes are atomic: a temp file under `<root>/.tmp/` (same filesystem, so `rename` is atomic)
 *   is written, fsynced and renamed over the object. Readers see the old or the new body.
 * - ETag = quoted MD5 of the body (as S3), computed on read, so a file replaced by hand still gets
 *   a correct ETag; its sidecar then no longer matches and is ignored.
 * - Writes and deletes are serialised per key: in one process by an in-process queue, across
 *   processes by a lock file `<root>/.locks/<sha256 of the key>.lock` created exclusively
 *   (file-lock.ts, with recovery of a lock a crashed writer left). A conditional write's check
 *   and its rename are therefore one step for every process writing the folder, so several
 *   `npm run publish` processes may publish into one data folder at once. Reads take no file
 *   lock: the rename makes the new body appear whole.
 * - A bulk writer (`npm run import`) may instead hold ONE site-wide lock, `<root>/.locks/site.lock`
 *   ({@link FsStore.lockSite}): while it does, its own writes take no lock file, and every other
 *   process's write waits until it is released (file-lock.ts, `holdExclusiveLock`).
 * - A key cannot be both an object and the folder of other keys (`a` and `a/b`); S3 allows it,
 *   the site layout never needs it, and such a write throws InvalidKeyError.
 */
export class FsStore implements Store {
  readonly #root: string;
  readonly #lock = new KeyedLock();
  readonly #fsync: boolean;
  readonly #lockOptions: FileLockOptions;
  /** Set while this store holds the site-wide lock: its writes need no per-key lock file. */
  #siteLock: HeldLock | undefined;
  /** The temp folder exists (created once; recreated if someone removes it). */
  #tmpReady = false;

  /**
   * @param rootDir folder holding the objects; created on first write.
   * @param options.fsync false: writes stay atomic (temp file + rename) but are not fsynced one
   *   by one — for a bulk import, which makes the whole folder durable once at the end (and is
   *   simply run again after a crash). Default true.
   * @param options.lock how long a cross-process lock may stay before it is judged stale (tests).
   */
  constructor(rootDir: string, options: { fsync?: boolean; lock?: FileLockOptions } = {}) {
    this.#root = resolve(rootDir);
    this.#fsync = options.fsync ?? true;
    this.#lockOptions = options.lock ?? {};
  }

  /** The lock file serialising writes of `key` across processes. */
  lockPathOf(key: string) {
    const name = createHash('sha256').update(key).digest('hex').slice(0, 32);
    return join(this.#root, locksDir, `${name}.lock`);
  }

  /** The lock file a bulk writer holds over the whole folder ({@link lockSite}). */
  get siteLockPath() {
    return join(this.#root, locksDir, 'site.lock');
  }

  /**
   * In-process queue first (no file contention among our own callers), then the key's lock file
   * — yielding to a site-wide lock another process holds — unless this store holds that lock.
   */
  #exclusive<T>(key: string, task: () => Promise<T>): Promise<T> {
    return this.#lock.run(key, () =>
      this.#siteLock !== undefined
        ? task()
        : withFileLock(this.lockPathOf(key), task, { ...this.#lockOptions, yieldTo: this.siteLockPath }),
    );
  }

  /**
   * Hold the site-wide lock until the returned lock is released: waits for other processes'
   * writes under way (and for another site-wide holder), then lets this store write without a
   * lock file per object while every other process's writes wait — a bulk import writes tens of
   * thousands of objects, and a lock file per write costs as much as the write. Take it before
   * this store's first write; reads by anyone go on meanwhile.
   */
  async lockSite(): Promise<HeldLock> {
    if (this.#siteLock !== undefined) throw new Error('this store already holds the site lock');
    const held = await holdExclusiveLock(this.siteLockPath, join(this.#root, locksDir), this.#lockOptions);
    this.#siteLock = held;
    return {
      release: async () => {
        if (this.#siteLock !== held) return;
        // Writes queued in this process land before others may write.
        await this.#lock.idle();
        this.#siteLock = undefined;
        await held.release();
      },
    };
  }

  /** Absolute folder this store writes to. */
  get root() {
    return this.#root;
  }

  #paths(key: string) {
    const segments = segmentsOf(key, 'key');
    const object = join(this.#root, ...segments);
    // Defence in depth: validation above should make this impossible.
    if (!object.startsWith(this.#root + sep)) throw new InvalidKeyError(key, 'escapes the store root');
    const meta = `${join(this.#root, metaDir, ...segments)}.json`;
    return { object, meta };
  }

  async get(key: string, options?: GetOptions): Promise<StoredObject | undefined> {
    const paths = this.#paths(key);
    const maxBytes = options?.maxBytes;
    return this.#lock.run(key, async () => {
      let body: Uint8Array;
      let lastModified: Date;
      try {
        const handle = await open(paths.object, 'r');
        try {
          // stat and read through one handle: the mtime belongs to the bytes returned.
          const stats = await handle.stat();
          if (!stats.isFile()) return undefined;
          // The size first: an oversized upload is refused without reading it.
          if (maxBytes !== undefined && stats.size > maxBytes)
            throw new ObjectTooLargeError(key, maxBytes, stats.size);
          lastModified = stats.mtime;
          body =
            maxBytes === undefined
              ? new Uint8Array(await handle.readFile())
              : await readAtMost(handle, key, maxBytes, stats.size);
        } finally {
          await handle.close();
        }
      } catch (error) {
        if (error instanceof ObjectTooLargeError) throw error;
        // A name longer than the filesystem allows (a 256-character URL segment) cannot have
        // been written, so it is absent, not a storage fault (which would answer 500).
        if (isAbsent(error) || errnoOf(error) === 'ENAMETOOLONG') return undefined;
        throw new StorageError(`reading ${key} failed`, { cause: error });
      }
      const etag = etagOf(body);
      const sidecar = await this.#readSidecar(paths.meta);
      const described = sidecar?.etag === etag ? sidecar : undefined;
      return {
        body,
        etag,
        ...(described?.contentType === undefined ? {} : { contentType: described.contentType }),
        ...(described?.cacheControl === undefined ? {} : { cacheControl: described.cacheControl }),
        lastModified,
      };
    });
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions): Promise<{ etag: string }> {
    const paths = this.#paths(key);
    const bytes = toBytes(body);
    const etag = etagOf(bytes);
    return this.#exclusive(key, async () => {
      if (options.ifMatch !== undefined || options.ifNoneMatch === '*') {
        const current = await this.#currentEtag(key, paths.object);
        if (options.ifNoneMatch === '*' && current !== undefined) throw new PreconditionFailedError(key);
        if (options.ifMatch !== undefined && current !== options.ifMatch)
          throw new PreconditionFailedError(key);
      }
      const sidecar: Sidecar = { etag, contentType: options.contentType, cacheControl: options.cacheControl };
      // Object first: after a crash between the two renames the sidecar names another ETag and is
      // ignored, which is safe; the reverse order would be too.
      await this.#writeAtomic(key, paths.object, bytes);
      await this.#writeAtomic(key, paths.meta, new TextEncoder().encode(`${JSON.stringify(sidecar)}\n`));
      return { etag };
    });
  }

  /**
   * Store a local file under `key` without reading it into memory (`npm run publish` of a file of
   * any size: an oversized upload must still reach the store to get its `too-large` report).
   * Unconditional, like an upload.
   */
  async putFile(key: string, file: string, options: Pick<PutOptions, 'contentType' | 'cacheControl'>) {
    const paths = this.#paths(key);
    const etag = await etagOfFile(file);
    return this.#exclusive(key, async () => {
      const sidecar: Sidecar = { etag, contentType: options.contentType, cacheControl: options.cacheControl };
      await this.#writeAtomic(key, paths.object, { file });
      await this.#writeAtomic(key, paths.meta, new TextEncoder().encode(`${JSON.stringify(sidecar)}\n`));
      return { etag };
    });
  }

  async delete(key: string): Promise<void> {
    const paths = this.#paths(key);
    await this.#exclusive(key, async () => {
      for (const [file, top] of [
        [paths.object, this.#root],
        [paths.meta, join(this.#root, metaDir)],
      ] as const) {
        try {
          await rm(file, { force: true });
        } catch (error) {
          // `a/b` when `a` is a file, or `a` when it is the folder of other keys: nothing to delete.
          if (isAbsent(error)) continue;
          throw new StorageError(`deleting ${key} failed`, { cause: error });
        }
        await this.#pruneEmptyFolders(dirname(file), top);
      }
    });
  }

  async *list(prefix: string): AsyncIterable<string> {
    const segments = segmentsOf(prefix, 'prefix');
    const folders = segments.slice(0, -1);
    const start = join(this.#root, ...folders);
    const keys: string[] = [];
    await this.#walk(start, folders.length === 0 ? '' : `${folders.join('/')}/`, keys);
    // Same order as MemoryStore (UTF-16 code units); equal to S3's UTF-8 byte order for the BMP.
    yield* keys.filter((k) => k.startsWith(prefix)).sort();
  }

  async #walk(folder: string, keyPrefix: string, into: string[]): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      // A prefix naming no folder (or a file) simply has no keys under it.
      if (isAbsent(error)) return;
      throw new StorageError(`listing ${keyPrefix || '/'} failed`, { cause: error });
    }
    for (const entry of entries) {
      if (keyPrefix === '' && reservedDirs.has(entry.name)) continue;
      const key = `${keyPrefix}${entry.name}`;
      if (entry.isDirectory()) await this.#walk(join(folder, entry.name), `${key}/`, into);
      else if (entry.isFile()) into.push(key);
    }
  }

  async #currentEtag(key: string, file: string): Promise<string | undefined> {
    try {
      return etagOf(new Uint8Array(await readFile(file)));
    } catch (error) {
      if (isAbsent(error)) return undefined;
      throw new StorageError(`reading ${key} failed`, { cause: error });
    }
  }

  async #readSidecar(file: string): Promise<Sidecar | undefined> {
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
      if (typeof parsed !== 'object' || parsed === null) return undefined;
      const { etag, contentType, cacheControl } = parsed as Record<string, unknown>;
      if (typeof etag !== 'string') return undefined;
      return {
        etag,
        ...(typeof contentType === 'string' ? { contentType } : {}),
        ...(typeof cacheControl === 'string' ? { cacheControl } : {}),
      };
    } catch {
      // A missing or damaged sidecar only loses content type and cache-control; the body stands.
      return undefined;
    }
  }

  /** Write a temp file, fsync it, rename it over `target`, fsync the folder (so the rename lasts). */
  async #writeAtomic(key: string, target: string, bytes: Uint8Array | { file: string }): Promise<void> {
    const tmp = join(this.#root, tmpDir, randomUUID());
    try {
      await this.#writeTemp(tmp, bytes);
      // The target's folder usually exists: rename first, create it only when missing. A
      // concurrent delete of a sibling key may prune it between mkdir and rename: retry.
      for (let attempt = 0; ; attempt++) {
        try {
          await rename(tmp, target);
          break;
        } catch (error) {
          if (errnoOf(error) !== 'ENOENT' || attempt > 3) throw error;
          await mkdir(dirname(target), { recursive: true });
        }
      }
      if (this.#fsync) await syncFolder(dirname(target));
    } catch (error) {
      await rm(tmp, { force: true }).catch(() => undefined);
      const code = errnoOf(error);
      if (code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR')
        throw new InvalidKeyError(key, 'collides with the folder of other keys, or with an object', {
          cause: error,
        });
      if (code === 'ENAMETOOLONG')
        throw new InvalidKeyError(key, 'is too long for the filesystem', { cause: error });
      throw new StorageError(`writing ${key} failed`, { cause: error });
    }
  }

  /** The temp file, written (and fsynced); its folder is created on first use, and again if gone. */
  async #writeTemp(tmp: string, bytes: Uint8Array | { file: string }): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (!this.#tmpReady) {
        await mkdir(dirname(tmp), { recursive: true });
        this.#tmpReady = true;
      }
      try {
        if (bytes instanceof Uint8Array) {
          const handle = await open(tmp, 'w');
          try {
            await handle.writeFile(bytes);
            if (this.#fsync) await handle.sync();
          } finally {
            await handle.close();
          }
        } else {
          // A kernel copy: a file of any size passes without being held in memory.
          await copyFile(bytes.file, tmp);
          if (this.#fsync) {
            const handle = await open(tmp, 'r+');
            try {
              await handle.sync();
            } finally {
              await handle.close();
            }
          }
        }
        return;
      } catch (error) {
        if (errnoOf(error) !== 'ENOENT' || attempt > 0) throw error;
        this.#tmpReady = false;
      }
    }
  }

  /** Remove folders left empty by a delete, so a later `a` is not blocked by an empty `a/`. */
  async #pruneEmptyFolders(folder: string, top: string): Promise<void> {
    for (let current = folder; current.startsWith(top + sep); current = dirname(current)) {
      try {
        await rmdir(current);
      } catch {
        // Not empty (or already gone, or being filled by a concurrent put): stop climbing.
        return;
      }
    }
  }
}

/**
 * The file's bytes, reading at most `maxBytes + 1` of them: a file replaced by a bigger one after
 * its size was checked (hand-edited, or written by a process that ignores the lock) still cannot
 * make the reader buffer more than the cap.
 */
const readAtMost = async (
  handle: FileHandle,
  key: string,
  maxBytes: number,
  expected: number,
): Promise<Uint8Array> => {
  // One byte beyond the expected size shows a file that grew; the buffer grows up to the cap + 1.
  let buffer = new Uint8Array(Math.min(expected, maxBytes) + 1);
  let filled = 0;
  for (;;) {
    if (filled === buffer.byteLength) {
      if (filled > maxBytes) throw new ObjectTooLargeError(key, maxBytes);
      const bigger = new Uint8Array(Math.min(buffer.byteLength * 2, maxBytes + 1));
      bigger.set(buffer);
      buffer = bigger;
    }
    const { bytesRead } = await handle.read(buffer, filled, buffer.byteLength - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  if (filled > maxBytes) throw new ObjectTooLargeError(key, maxBytes);
  return buffer.subarray(0, filled);
};

/** The ETag of a file's bytes (quoted MD5, as `etagOf`), hashed as a stream. */
const etagOfFile = async (file: string) => {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `"${hash.digest('hex')}"`;
};

/** fsync a folder so a rename in it survives a crash; not every platform allows it (Windows). */
const syncFolder = async (folder: string) => {
  let handle: FileHandle | undefined;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch (error) {
    if (errnoOf(error) !== 'EISDIR' && errnoOf(error) !== 'EPERM' && errnoOf(error) !== 'EINVAL') throw error;
  } finally {
    await handle?.close();
  }
};
