import { randomUUID } from 'node:crypto';
import { copyFile, type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InvalidKeyError, StorageError } from '../errors.ts';
import { errnoOf } from './fs-errno.ts';

/**
 * Atomic file writes for FsStore: a temp file (in a folder on the same filesystem, so `rename` is
 * atomic) is written, fsynced and renamed over the target, and the target's folder is fsynced so
 * the rename lasts. Readers see the old or the new body, never part of one.
 */
export class AtomicFileWriter {
  readonly #tmpFolder: string;
  readonly #fsync: boolean;
  /** The temp folder exists (created once; recreated if someone removes it). */
  #tmpReady = false;

  /**
   * @param tmpFolder where temp files go; created on first write.
   * @param fsync false: writes stay atomic but are not fsynced one by one (a bulk import).
   */
  constructor(tmpFolder: string, fsync: boolean) {
    this.#tmpFolder = tmpFolder;
    this.#fsync = fsync;
  }

  /**
   * Write a temp file, fsync it, rename it over `target`, fsync the folder (so the rename lasts).
   * `key` names the object in errors: InvalidKeyError when the target collides with a folder or
   * a file on its way, StorageError otherwise.
   */
  async write(key: string, target: string, bytes: Uint8Array | { file: string }): Promise<void> {
    const tmp = join(this.#tmpFolder, randomUUID());
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
}

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
