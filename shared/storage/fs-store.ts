import { type FileHandle, open, rm, rmdir } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { ObjectTooLargeError, PreconditionFailedError, StorageError } from '../errors.ts';
import { AtomicFileWriter } from './atomic-file-writer.ts';
import type { FileLockOptions, HeldLock } from './file-lock.ts';
import { errnoOf, isAbsent } from './fs-errno.ts';
import { FsKeyLocks } from './fs-key-locks.ts';
import { listKeys } from './fs-listing.ts';
import { currentEtag, encodeSidecar, etagOfFile, readSidecar } from './fs-object-metadata.ts';
import { metaRootOf, objectPathsOf, tmpFolderOf } from './fs-store-layout.ts';
import { etagOf } from './memory-store.ts';
import type { GetOptions, PutOptions, Store, StoredObject } from './store.ts';

/** The in-process per-key queue, exported here as before (scripts/lib/s3rver-server.ts, tests). */
export { KeyedLock } from './keyed-lock.ts';

const toBytes = (body: Uint8Array | string) =>
  typeof body === 'string' ? new TextEncoder().encode(body) : body;

/**
 * Filesystem store: the embedded default for local runs (`npm start`, e2e tests).
 *
 * - Key `a/b.json` is the file `<root>/a/b.json`; its content type, cache-control and the ETag
 *   they describe live in `<root>/.meta/a/b.json.json`, so objects stay plain files a person can
 *   open and `list()` never has to guess which files are sidecars (fs-store-layout.ts).
 * - Writes are atomic: a temp file under `<root>/.tmp/` (same filesystem, so `rename` is atomic)
 *   is written, fsynced and renamed over the object. Readers see the old or the new body
 *   (atomic-file-writer.ts).
 * - ETag = quoted MD5 of the body (as S3), computed on read, so a file replaced by hand still gets
 *   a correct ETag; its sidecar then no longer matches and is ignored (fs-object-metadata.ts).
 * - Writes and deletes are serialised per key: in one process by an in-process queue, across
 *   processes by a lock file `<root>/.locks/<sha256 of the key>.lock` created exclusively
 *   (fs-key-locks.ts; file-lock.ts, with recovery of a lock a crashed writer left). A conditional
 *   write's check and its rename are therefore one step for every process writing the folder, so
 *   several `npm run publish` processes may publish into one data folder at once. Reads take no
 *   file lock: the rename makes the new body appear whole.
 * - A bulk writer (`npm run import`) may instead hold ONE site-wide lock, `<root>/.locks/site.lock`
 *   ({@link FsStore.lockSite}): while it does, its own writes take no lock file, and every other
 *   process's write waits until it is released (file-lock.ts, `holdExclusiveLock`).
 * - A key cannot be both an object and the folder of other keys (`a` and `a/b`); S3 allows it,
 *   the site layout never needs it, and such a write throws InvalidKeyError.
 */
export class FsStore implements Store {
  readonly #root: string;
  readonly #locks: FsKeyLocks;
  readonly #writer: AtomicFileWriter;

  /**
   * @param rootDir folder holding the objects; created on first write.
   * @param options.fsync false: writes stay atomic (temp file + rename) but are not fsynced one
   *   by one — for a bulk import, which makes the whole folder durable once at the end (and is
   *   simply run again after a crash). Default true.
   * @param options.lock how long a cross-process lock may stay before it is judged stale (tests).
   */
  constructor(rootDir: string, options: { fsync?: boolean; lock?: FileLockOptions } = {}) {
    this.#root = resolve(rootDir);
    this.#locks = new FsKeyLocks(this.#root, options.lock ?? {});
    this.#writer = new AtomicFileWriter(tmpFolderOf(this.#root), options.fsync ?? true);
  }

  /** The lock file serialising writes of `key` across processes. */
  lockPathOf(key: string) {
    return this.#locks.lockPathOf(key);
  }

  /** The lock file a bulk writer holds over the whole folder ({@link lockSite}). */
  get siteLockPath() {
    return this.#locks.siteLockPath;
  }

  /** Hold the site-wide lock until the returned lock is released (fs-key-locks.ts). */
  lockSite(): Promise<HeldLock> {
    return this.#locks.lockSite();
  }

  /** Absolute folder this store writes to. */
  get root() {
    return this.#root;
  }

  async get(key: string, options?: GetOptions): Promise<StoredObject | undefined> {
    const paths = objectPathsOf(this.#root, key);
    const maxBytes = options?.maxBytes;
    return this.#locks.queued(key, async () => {
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
      const sidecar = await readSidecar(paths.meta);
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
    const paths = objectPathsOf(this.#root, key);
    const bytes = toBytes(body);
    const etag = etagOf(bytes);
    return this.#locks.exclusive(key, async () => {
      if (options.ifMatch !== undefined || options.ifNoneMatch === '*') {
        const current = await currentEtag(key, paths.object);
        if (options.ifNoneMatch === '*' && current !== undefined) throw new PreconditionFailedError(key);
        if (options.ifMatch !== undefined && current !== options.ifMatch)
          throw new PreconditionFailedError(key);
      }
      // Object first: after a crash between the two renames the sidecar names another ETag and is
      // ignored, which is safe; the reverse order would be too.
      await this.#writer.write(key, paths.object, bytes);
      await this.#writer.write(key, paths.meta, encodeSidecar(etag, options));
      return { etag };
    });
  }

  /**
   * Store a local file under `key` without reading it into memory (`npm run publish` of a file of
   * any size: an oversized upload must still reach the store to get its `too-large` report).
   * Unconditional, like an upload.
   */
  async putFile(key: string, file: string, options: Pick<PutOptions, 'contentType' | 'cacheControl'>) {
    const paths = objectPathsOf(this.#root, key);
    const etag = await etagOfFile(file);
    return this.#locks.exclusive(key, async () => {
      await this.#writer.write(key, paths.object, { file });
      await this.#writer.write(key, paths.meta, encodeSidecar(etag, options));
      return { etag };
    });
  }

  async delete(key: string): Promise<void> {
    const paths = objectPathsOf(this.#root, key);
    await this.#locks.exclusive(key, async () => {
      for (const [file, top] of [
        [paths.object, this.#root],
        [paths.meta, metaRootOf(this.#root)],
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
    yield* await listKeys(this.#root, prefix);
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
