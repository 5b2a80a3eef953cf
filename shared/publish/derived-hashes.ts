import { createHash, randomUUID } from 'node:crypto';
import { PreconditionFailedError } from '../errors.ts';
import type { Log } from '../log.ts';
import { dateHashKey, parseSiteKey, policyForKey, uploadHashKey } from '../site-layout.ts';
import { etagOf } from '../storage/memory-store.ts';
import type { PutOptions, Store, StoredObject } from '../storage/store.ts';
import { canonicalJsonBytes, parseJsonBytes } from './canonical-json.ts';
import { toBytes, type VouchingStore } from './store-io.ts';

/**
 * Hash records: what lets a rebuild (and an import) decide that a derived object is unchanged
 * without reading it back — one GET per issue date instead of one per object (docs/publishing.md,
 * "Hash records").
 *
 *   state/hashes/dates/<date>.json     every article record and archive document of the date
 *   state/hashes/uploads/<nn>.json     the upload indexes whose key falls in bucket nn (of 32)
 *
 * A record maps key → hash of (content type, cache-control, bytes) as the object was last
 * written or read by a rebuild. Windows, calendars, subscription feeds, OPML and latest are a
 * few dozen objects per site: they are always read back, and have no record.
 *
 * Keeping records honest, whoever writes:
 * - publishing deletes the record of a group before its first write into the group and again
 *   after its last one ({@link invalidatingStore}), so a crash or a racing rebuild never leaves
 *   a record that vouches for bytes a publish replaced;
 * - a rebuild that finds no record puts a placeholder with a fresh nonce first and writes the
 *   record at the end only if the placeholder (or the record it read) is still there (If-Match),
 *   so a publish that ran meanwhile (and deleted it) makes it give up the record, not lie;
 * - only keys the run itself wrote, compared or read go into the new record; a record missing a
 *   key vouches for nothing about it (the object is read back).
 */

const uploadBuckets = 32;
/** Every upload-index bucket record (a rebuild loads them all before writing the indexes). */
export const uploadHashKeys = Array.from({ length: uploadBuckets }, (_, i) => uploadHashKey(i));

/** The record that vouches for a key, or undefined for keys without one. */
export const hashGroupOf = (key: string): string | undefined => {
  const parsed = parseSiteKey(key);
  if (parsed?.kind === 'article' || parsed?.kind === 'archive') return dateHashKey(parsed.date);
  if (parsed?.kind === 'upload-index')
    return uploadHashKey(createHash('sha1').update(key).digest()[0]! % uploadBuckets);
  return undefined;
};

/** 128 bits of sha256 over metadata and bytes: what "unchanged" means to putIfChanged. */
const objectHash = (bytes: Uint8Array, options: Pick<PutOptions, 'contentType' | 'cacheControl'>) =>
  createHash('sha256')
    .update(`${options.contentType}\n${options.cacheControl}\n`)
    .update(bytes)
    .digest('base64url')
    .slice(0, 22);

const storedHash = (object: StoredObject) =>
  objectHash(object.body, { contentType: object.contentType ?? '', cacheControl: object.cacheControl ?? '' });

/** A record as stored; a placeholder has `pending` and no entries. */
interface HashRecordDoc {
  schemaVersion: 1;
  entries?: Record<string, string>;
  pending?: string;
}

const readRecord = (bytes: Uint8Array): HashRecordDoc | undefined => {
  try {
    const doc = parseJsonBytes<HashRecordDoc>(bytes);
    return typeof doc === 'object' && doc !== null && doc.schemaVersion === 1 ? doc : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The publish side: a store whose writes and deletes of recorded keys first delete the record
 * of their group; `settle()` deletes every touched record once more after the last write.
 */
export const invalidatingStore = (store: Store) => {
  const touched = new Map<string, Promise<void>>();
  const before = (key: string) => {
    const group = hashGroupOf(key);
    if (group === undefined) return undefined;
    let done = touched.get(group);
    if (done === undefined) {
      done = store.delete(group);
      touched.set(group, done);
    }
    return done;
  };
  const wrapped: Store = {
    get: (key) => store.get(key),
    list: (prefix) => store.list(prefix),
    put: async (key, body, options) => {
      await before(key);
      return store.put(key, body, options);
    },
    delete: async (key) => {
      await before(key);
      return store.delete(key);
    },
  };
  const settle = async () => {
    const groups = [...touched.keys()];
    await Promise.allSettled(touched.values());
    await Promise.all(groups.map((group) => store.delete(group)));
  };
  return { store: wrapped, settle };
};

interface Group {
  /** Entries as read (trusted) — undefined when the record could not vouch. */
  recorded?: Map<string, string>;
  /** ETag to write the new record over (If-Match); undefined: write only if still absent. */
  etag?: string;
  /** False when another writer got there first: no record is written for this group. */
  writable: boolean;
  /** What this run knows: key → hash of the object as it now is. */
  seen: Map<string, string>;
}

/**
 * The rebuild side: wraps the site store. `load(group)` reads a record; afterwards putIfChanged
 * asks {@link vouch} before reading an object, and every get, put and delete through the
 * wrapper keeps the group's knowledge current; `flush(group)` writes the record if it changed.
 *
 * Writes behind: an unconditional put returns once it is under way, with at most `writeBehind`
 * in flight, so rendering the next date overlaps the writes of this one (S3 latency, filesystem
 * syscalls). A read, delete or list waits for the writes it could observe; a record is written
 * only after every write of its group landed; the first failed write is thrown by the next call
 * (and by `close`, which waits for all).
 */
export class HashRecordingStore implements VouchingStore {
  readonly #groups = new Map<string, Group>();
  /** Groups written to while not loaded: their records are deleted at the end. */
  readonly #strays = new Set<string>();
  /** Hashes computed by vouch, reused by the put that follows. */
  readonly #computed = new Map<string, string>();
  /** Writes under way, by key, and by group (a record waits for its group's). */
  readonly #writing = new Map<string, Promise<void>>();
  readonly #writingGroup = new Map<string, Set<Promise<void>>>();
  #failure: { error: unknown } | undefined;
  recordsWritten = 0;

  constructor(
    readonly inner: Store,
    readonly options: {
      log: Log;
      /** The site held no derived object before this run: a missing record means no objects. */
      emptySite?: boolean;
      /** False: ignore stored records (read every object back) but still write fresh ones. */
      trust?: boolean;
      /** Writes in flight at most (default 32). */
      writeBehind?: number;
    },
  ) {}

  async load(groupKey: string): Promise<void> {
    if (this.#groups.has(groupKey)) return;
    const group: Group = { writable: true, seen: new Map() };
    this.#groups.set(groupKey, group);
    if (this.options.emptySite) {
      group.recorded = new Map();
      return;
    }
    const found = await this.inner.get(groupKey);
    if (found !== undefined) {
      group.etag = found.etag;
      // A damaged record (a crash before the disk had it all) vouches for nothing.
      const doc = readRecord(found.body);
      if (doc?.entries !== undefined && this.options.trust !== false)
        group.recorded = new Map(Object.entries(doc.entries));
      return;
    }
    // No record: a placeholder that a publish running meanwhile would delete (see the module doc).
    try {
      const pending: HashRecordDoc = { schemaVersion: 1, pending: randomUUID() };
      group.etag = (
        await this.inner.put(groupKey, canonicalJsonBytes(pending), {
          ...policyForKey(groupKey),
          ifNoneMatch: '*',
        })
      ).etag;
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
      group.writable = false;
    }
  }

  isLoaded(groupKey: string) {
    return this.#groups.has(groupKey);
  }

  /** Loaded groups (a rebuild flushes those no pending archive needs any more). */
  loadedGroups(): string[] {
    return [...this.#groups.keys()];
  }

  /** true: stored bytes are these; false: they differ (or are absent); undefined: read to know. */
  vouch(key: string, bytes: Uint8Array, options: Pick<PutOptions, 'contentType' | 'cacheControl'>) {
    const groupKey = hashGroupOf(key);
    const group = groupKey === undefined ? undefined : this.#groups.get(groupKey);
    if (group?.recorded === undefined) return undefined;
    const hash = objectHash(bytes, options);
    const recorded = group.recorded.get(key);
    if (recorded === hash) {
      group.seen.set(key, hash);
      return true;
    }
    this.#computed.set(key, hash);
    return false;
  }

  /** The loaded group of a key; a write (not a delete: pruning removes only unrecorded keys)
   * into a group not loaded marks its record for deletion. */
  #groupFor(key: string, writing: boolean): Group | undefined {
    const groupKey = hashGroupOf(key);
    if (groupKey === undefined) return undefined;
    const group = this.#groups.get(groupKey);
    if (group === undefined && writing) this.#strays.add(groupKey);
    return group;
  }

  #rethrow() {
    if (this.#failure !== undefined) throw this.#failure.error;
  }

  /** Wait for every write under way (all of them, or one key's, or one group's). */
  async #settled(writes: Iterable<Promise<void>>) {
    await Promise.all(writes);
    this.#rethrow();
  }

  async get(key: string): Promise<StoredObject | undefined> {
    await this.#settled([this.#writing.get(key) ?? Promise.resolve()]);
    const found = await this.inner.get(key);
    const groupKey = hashGroupOf(key);
    const group = groupKey === undefined ? undefined : this.#groups.get(groupKey);
    if (group !== undefined) {
      if (found === undefined) group.seen.delete(key);
      else group.seen.set(key, storedHash(found));
    }
    return found;
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions): Promise<{ etag: string }> {
    this.#rethrow();
    const groupKey = hashGroupOf(key);
    const group = this.#groupFor(key, true);
    const bytes = toBytes(body);
    const hash = this.#computed.get(key) ?? objectHash(bytes, options);
    this.#computed.delete(key);
    if (options.ifMatch !== undefined || options.ifNoneMatch !== undefined) {
      // A conditional write's outcome is the caller's to handle: not written behind.
      await this.#settled([this.#writing.get(key) ?? Promise.resolve()]);
      const result = await this.inner.put(key, bytes, options);
      group?.seen.set(key, hash);
      return result;
    }
    const limit = Math.max(1, this.options.writeBehind ?? 32);
    while (this.#writing.size >= limit) await Promise.race(this.#writing.values());
    await this.#settled([this.#writing.get(key) ?? Promise.resolve()]);
    const groupWrites = groupKey === undefined ? undefined : (this.#writingGroup.get(groupKey) ?? new Set());
    if (groupKey !== undefined && groupWrites !== undefined) this.#writingGroup.set(groupKey, groupWrites);
    const write: Promise<void> = this.inner
      .put(key, bytes, options)
      .then(
        () => {
          group?.seen.set(key, hash);
        },
        (error: unknown) => {
          this.#failure ??= { error };
        },
      )
      .finally(() => {
        if (this.#writing.get(key) === write) this.#writing.delete(key);
        groupWrites?.delete(write);
      });
    this.#writing.set(key, write);
    groupWrites?.add(write);
    // The ETag every store gives a single-part write; no caller of a derived write reads it, so
    // it is hashed only if asked (an MD5 of every object written costs a second of a year's import).
    return {
      get etag() {
        return etagOf(bytes);
      },
    };
  }

  async delete(key: string): Promise<void> {
    await this.#settled([this.#writing.get(key) ?? Promise.resolve()]);
    const group = this.#groupFor(key, false);
    await this.inner.delete(key);
    group?.seen.delete(key);
  }

  async *list(prefix: string): AsyncIterable<string> {
    await this.#settled([...this.#writing.values()]);
    yield* this.inner.list(prefix);
  }

  /** Write the group's record if what this run knows differs from what it read; forget the group. */
  async flush(groupKey: string): Promise<void> {
    const group = this.#groups.get(groupKey);
    if (group === undefined) return;
    await this.#settled([...(this.#writingGroup.get(groupKey) ?? [])]);
    this.#writingGroup.delete(groupKey);
    this.#groups.delete(groupKey);
    if (!group.writable) return;
    const entries = [...group.seen].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (
      group.recorded !== undefined &&
      group.etag !== undefined &&
      entries.length === group.recorded.size &&
      entries.every(([key, hash]) => group.recorded!.get(key) === hash)
    )
      return;
    const doc: HashRecordDoc = { schemaVersion: 1, entries: Object.fromEntries(entries) };
    try {
      await this.inner.put(groupKey, canonicalJsonBytes(doc), {
        ...policyForKey(groupKey),
        ...(group.etag === undefined ? { ifNoneMatch: '*' as const } : { ifMatch: group.etag }),
      });
      this.recordsWritten += 1;
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
      this.options.log.warn('hash record changed meanwhile (a publish ran); not written', { key: groupKey });
    }
  }

  /** Resolves once no write is under way (failures are left to the next call). */
  async idle(): Promise<void> {
    await Promise.all(this.#writing.values());
  }

  /** Flush every loaded group; delete the records of groups written to while not loaded. */
  async close(): Promise<void> {
    await this.#settled([...this.#writing.values()]);
    for (const groupKey of this.loadedGroups()) await this.flush(groupKey);
    for (const groupKey of this.#strays) await this.inner.delete(groupKey);
    this.#strays.clear();
  }
}
