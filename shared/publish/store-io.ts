import { PreconditionFailedError, StorageError } from '../errors.ts';
import type { PutOptions, Store } from '../storage/store.ts';
import { canonicalJsonBytes, parseJsonBytes } from './canonical-json.ts';

/** Keys written by one publish, in write order (the outcome reports them). */
export type WriteLog = string[];

/** Byte equality (what "unchanged" means for every object the site holds). */
export const sameBytes = (a: Uint8Array, b: Uint8Array) => {
  if (a.byteLength !== b.byteLength) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
};

const encoder = new TextEncoder();
export const toBytes = (body: Uint8Array | string) =>
  typeof body === 'string' ? encoder.encode(body) : body;

/**
 * A store that can sometimes tell, without a read, whether an object holds given bytes and
 * metadata (derived-hashes.ts): true = it does, false = it does not (or is absent), undefined =
 * read it to know.
 */
export interface VouchingStore extends Store {
  vouch(
    key: string,
    bytes: Uint8Array,
    options: Pick<PutOptions, 'contentType' | 'cacheControl'>,
  ): boolean | undefined;
}

const vouchOf = (store: Store) =>
  typeof (store as Partial<VouchingStore>).vouch === 'function' ? (store as VouchingStore) : undefined;

/**
 * Write unless the stored object already has these bytes and metadata: an unchanged object is
 * never rewritten (its ETag and Last-Modified stay, readers get 304s, nothing is re-notified).
 * Returns true when it wrote.
 */
export const putIfChanged = async (
  store: Store,
  key: string,
  body: Uint8Array | string,
  options: Pick<PutOptions, 'contentType' | 'cacheControl'>,
  writes: WriteLog,
): Promise<boolean> => {
  const bytes = toBytes(body);
  const known = vouchOf(store)?.vouch(key, bytes, options);
  if (known === true) return false;
  const current = known === false ? undefined : await store.get(key);
  if (
    current !== undefined &&
    sameBytes(current.body, bytes) &&
    current.contentType === options.contentType &&
    current.cacheControl === options.cacheControl
  ) {
    return false;
  }
  await store.put(key, bytes, options);
  writes.push(key);
  return true;
};

/** Write without reading first: for objects the caller knows changed. */
export const putKnownChanged = async (
  store: Store,
  key: string,
  body: Uint8Array | string,
  options: Pick<PutOptions, 'contentType' | 'cacheControl'>,
  writes: WriteLog,
) => {
  await store.put(key, toBytes(body), options);
  writes.push(key);
};

/** A stored JSON document with the ETag it was read at. */
export interface Versioned<T> {
  value: T;
  etag: string;
  bytes: Uint8Array;
}

export const readJson = async <T>(store: Store, key: string): Promise<Versioned<T> | undefined> => {
  const found = await store.get(key);
  return found === undefined
    ? undefined
    : { value: parseJsonBytes<T>(found.body), etag: found.etag, bytes: found.body };
};

/** How optimistic-concurrency loops back off: bounded attempts, exponential jitter. */
export interface RetryPolicy {
  attempts: number;
  /** Wait before attempt `attempt` (1-based retries). */
  pause(attempt: number): Promise<void>;
}

/**
 * Full jitter (0 … 4 ms · 2^attempt, capped at 250 ms): concurrent writers that lost a race
 * spread out instead of colliding again in lockstep.
 */
export const defaultRetryPolicy: RetryPolicy = {
  attempts: 30,
  pause: (attempt) =>
    new Promise((resolve) =>
      setTimeout(resolve, Math.random() * Math.min(250, 4 * 2 ** Math.min(attempt, 6))),
    ),
};

/** How a versioned document is decoded and encoded (a window re-encodes unchanged issues as read). */
export interface VersionedFormat<T> {
  decode(bytes: Uint8Array): T;
  encode(value: T): Uint8Array;
}

/** A shared document a conditional read-modify-write updates. */
export interface VersionedDocument<T> {
  key: string;
  /** Called once per attempt: a format may keep what it decoded to encode it again. */
  format: () => VersionedFormat<T>;
  options: Pick<PutOptions, 'contentType' | 'cacheControl'>;
}

/** What one conditional read-modify-write did. */
export interface VersionedUpdate<T> {
  /** The document as the last attempt read it. */
  before: Versioned<T> | undefined;
  /** The document as it stands afterwards: `before` unless this call wrote it. */
  after: Versioned<T> | undefined;
  /** `declined`: the change returned undefined; `same`: it gave the stored bytes; `written`. */
  outcome: 'declined' | 'same' | 'written';
}

/** The change of one document in one attempt; `context` is what the attempt read after the documents. */
export type VersionedChange<T, C> = (
  current: Versioned<T> | undefined,
  key: string,
  context: C,
) => T | undefined | Promise<T | undefined>;

export interface VersionedIo<T, C> {
  writes: WriteLog;
  retry: RetryPolicy;
  /** Read once per attempt, after the documents and before any change (what they derive from). */
  context?: () => Promise<C>;
  /** Runs before each conditional write: what the document names must exist before it does. */
  beforeWrite?: (next: T, current: Versioned<T> | undefined, key: string) => Promise<void>;
}

/**
 * The one conditional read-modify-write of the site (optimistic concurrency): each attempt reads
 * every pending document with its ETag, then `context`, then applies `change` to each (it may
 * read what it derives from: it runs after the document was read, so what it sees is at least as
 * new as what any earlier successful write saw) and writes conditionally (If-Match, or
 * If-None-Match: * when absent), all documents in parallel. The documents whose write lost a race
 * are read again and changed again. A change returning undefined, or the stored bytes, writes
 * nothing.
 *
 * @throws StorageError when a document lost every attempt (transient: the event is retried).
 */
export const updateVersionedAll = async <T, C = undefined>(
  store: Store,
  documents: readonly VersionedDocument<T>[],
  change: VersionedChange<T, C>,
  io: VersionedIo<T, C>,
): Promise<Map<string, VersionedUpdate<T>>> => {
  const { writes, retry } = io;
  const results = new Map<string, VersionedUpdate<T>>();
  let pending = [...documents];
  for (let attempt = 0; attempt < retry.attempts && pending.length > 0; attempt += 1) {
    if (attempt > 0) await retry.pause(attempt);
    const formats = pending.map((document) => document.format());
    const currents = await settleAll(
      pending.map(async ({ key }, i): Promise<Versioned<T> | undefined> => {
        const found = await store.get(key);
        return found === undefined
          ? undefined
          : { value: formats[i]!.decode(found.body), etag: found.etag, bytes: found.body };
      }),
    );
    const context = io.context === undefined ? (undefined as C) : await io.context();
    const lost: VersionedDocument<T>[] = [];
    await settleAll(
      pending.map(async (document, i) => {
        const { key } = document;
        const current = currents[i];
        const next = await change(current, key, context);
        if (next === undefined) {
          results.set(key, { before: current, after: current, outcome: 'declined' });
          return;
        }
        const bytes = formats[i]!.encode(next);
        if (current !== undefined && sameBytes(current.bytes, bytes)) {
          results.set(key, { before: current, after: current, outcome: 'same' });
          return;
        }
        await io.beforeWrite?.(next, current, key);
        try {
          const { etag } = await store.put(key, bytes, {
            ...document.options,
            ...(current === undefined ? { ifNoneMatch: '*' as const } : { ifMatch: current.etag }),
          });
          writes.push(key);
          results.set(key, { before: current, after: { value: next, etag, bytes }, outcome: 'written' });
        } catch (error) {
          if (!(error instanceof PreconditionFailedError)) throw error;
          lost.push(document);
        }
      }),
    );
    pending = lost;
  }
  if (pending.length > 0) {
    const keys = pending.map((d) => d.key).join(', ');
    throw new StorageError(`gave up updating ${keys} after ${retry.attempts} conflicting writes`);
  }
  return results;
};

/** `updateVersionedAll` of one document. */
export const updateVersioned = async <T, C = undefined>(
  store: Store,
  document: VersionedDocument<T>,
  change: VersionedChange<T, C>,
  io: VersionedIo<T, C>,
): Promise<VersionedUpdate<T>> =>
  (await updateVersionedAll(store, [document], change, io)).get(document.key)!;

/** Canonical JSON documents (every state document but the windows). */
export const jsonFormat = <T>(): VersionedFormat<T> => jsonFormatInstance as VersionedFormat<T>;
const jsonFormatInstance: VersionedFormat<unknown> = {
  decode: (bytes) => parseJsonBytes(bytes),
  encode: (value) => canonicalJsonBytes(value),
};

export interface DocumentUpdate<T> {
  before: T | undefined;
  after: T | undefined;
  etag: string | undefined;
  changed: boolean;
}

/**
 * `updateVersioned` of a canonical JSON document, given and returning plain values.
 *
 * @throws StorageError when every attempt lost a race (transient: the event is retried).
 */
export const updateJson = async <T>(
  store: Store,
  key: string,
  update: (current: T | undefined) => T | undefined | Promise<T | undefined>,
  options: Pick<PutOptions, 'contentType' | 'cacheControl'>,
  writes: WriteLog,
  retry: RetryPolicy,
): Promise<DocumentUpdate<T>> => {
  const { before, after, outcome } = await updateVersioned<T>(
    store,
    { key, format: jsonFormat<T>, options },
    (current) => update(current?.value),
    { writes, retry },
  );
  return { before: before?.value, after: after?.value, etag: after?.etag, changed: outcome === 'written' };
};

/**
 * `Promise.all` that waits for every promise before it throws the first failure. A write step
 * must not return (and a Lambda must not answer) while its sibling writes are still in flight:
 * they would land after the caller gave up, unseen by the retry that follows.
 */
export const settleAll = async <T>(promises: Iterable<T | Promise<T>>): Promise<T[]> => {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<Awaited<T>>).value as T);
};

/** Run `task` over items with at most `limit` in flight (S3 latency, bounded sockets). */
export const forEachLimit = async <T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
) => {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next]!;
      next += 1;
      await task(item);
    }
  };
  await settleAll(Array.from({ length: Math.min(limit, items.length) }, worker));
};
