import { type FileLockOptions, type HeldLock, holdExclusiveLock, withFileLock } from './file-lock.ts';
import { keyLockPathOf, locksFolderOf, siteLockPathOf } from './fs-store-layout.ts';
import { KeyedLock } from './keyed-lock.ts';

/**
 * The locks an FsStore takes around each key. Writes and deletes are serialised per key: in one
 * process by an in-process queue, across processes by a lock file per key (file-lock.ts) — unless
 * this store holds the site-wide lock a bulk writer takes ({@link FsKeyLocks.lockSite}). Reads
 * only queue behind this process's writes of the key.
 */
export class FsKeyLocks {
  readonly #root: string;
  readonly #lock = new KeyedLock();
  readonly #lockOptions: FileLockOptions;
  /** Set while this store holds the site-wide lock: its writes need no per-key lock file. */
  #siteLock: HeldLock | undefined;

  /** @param options how long a cross-process lock may stay before it is judged stale (tests). */
  constructor(root: string, options: FileLockOptions) {
    this.#root = root;
    this.#lockOptions = options;
  }

  /** The lock file serialising writes of `key` across processes. */
  lockPathOf(key: string) {
    return keyLockPathOf(this.#root, key);
  }

  /** The lock file a bulk writer holds over the whole folder ({@link lockSite}). */
  get siteLockPath() {
    return siteLockPathOf(this.#root);
  }

  /** Run `task` after this process's earlier tasks on `key` (a read: no lock file). */
  queued<T>(key: string, task: () => Promise<T>): Promise<T> {
    return this.#lock.run(key, task);
  }

  /**
   * In-process queue first (no file contention among our own callers), then the key's lock file
   * — yielding to a site-wide lock another process holds — unless this store holds that lock.
   */
  exclusive<T>(key: string, task: () => Promise<T>): Promise<T> {
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
    const held = await holdExclusiveLock(this.siteLockPath, locksFolderOf(this.#root), this.#lockOptions);
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
}
