import { StorageError } from '../../shared/errors.ts';
import type { PutOptions, Store, StoredObject } from '../../shared/storage/store.ts';

/** The seeded generator the synthetic issues use (mulberry32): a failing schedule replays by its seed. */
export { seededRandom } from './synthetic-issues.ts';

/** Requests made through a {@link CountingStore}, by kind (what S3 would bill and log). */
export interface RequestCounts {
  get: number;
  put: number;
  list: number;
  delete: number;
}

/** Counts the requests made to any store; tests and benches assert on request budgets. */
export class CountingStore implements Store {
  #counts: RequestCounts = { get: 0, put: 0, list: 0, delete: 0 };
  /** Keys written, in order (since the last reset). */
  readonly putKeys: string[] = [];
  /** Keys (and list prefixes) of every request, in order (since the last reset). */
  readonly requestedKeys: string[] = [];

  constructor(readonly inner: Store) {}

  /** A copy of the counts so far. */
  counts(): RequestCounts {
    return { ...this.#counts };
  }

  /** Start counting from zero. */
  reset(): void {
    this.#counts = { get: 0, put: 0, list: 0, delete: 0 };
    this.putKeys.length = 0;
    this.requestedKeys.length = 0;
  }

  get(key: string): Promise<StoredObject | undefined> {
    this.#counts.get++;
    this.requestedKeys.push(key);
    return this.inner.get(key);
  }

  put(key: string, body: Uint8Array | string, options: PutOptions): Promise<{ etag: string }> {
    this.#counts.put++;
    this.putKeys.push(key);
    this.requestedKeys.push(key);
    return this.inner.put(key, body, options);
  }

  delete(key: string): Promise<void> {
    this.#counts.delete++;
    this.requestedKeys.push(key);
    return this.inner.delete(key);
  }

  /** One list call counts once, however many pages the implementation fetches. */
  list(prefix: string): AsyncIterable<string> {
    this.#counts.list++;
    this.requestedKeys.push(prefix);
    return this.inner.list(prefix);
  }
}

/** A write a {@link FaultyStore} is asked about. `index` is 1-based among puts since the last clear. */
export interface PutAttempt {
  key: string;
  options: PutOptions;
  index: number;
}

/**
 * When an injected fault strikes: `before` the write (nothing stored, like a refused request) or
 * `after` it (stored, but the answer is lost, like a timeout on S3: the caller cannot tell).
 */
export type FaultTiming = 'before' | 'after';

interface PutFault {
  matches: (attempt: PutAttempt) => boolean;
  timing: FaultTiming;
  once: boolean;
}

/**
 * Injects StorageError into the writes of any store, to prove a publish survives (or cleanly
 * fails at) each of its writes. Reads, lists and deletes pass through, but can fail by predicate.
 */
export class FaultyStore implements Store {
  #puts = 0;
  #putFaults: PutFault[] = [];
  #failRead: ((method: 'get' | 'list' | 'delete', key: string) => boolean) | undefined;
  /** Faults thrown so far, in order. */
  readonly injected: StorageError[] = [];

  constructor(readonly inner: Store) {}

  /** Puts attempted since the last clear (failed ones included). */
  get puts(): number {
    return this.#puts;
  }

  /** Make the `n`th put from the last clear (1-based) throw StorageError, once. */
  failOnPut(n: number, timing: FaultTiming = 'before'): this {
    this.#putFaults.push({ matches: (a) => a.index === n, timing, once: true });
    return this;
  }

  /** Make every put for which `predicate` holds throw StorageError. */
  failPutWhen(predicate: (attempt: PutAttempt) => boolean, timing: FaultTiming = 'before'): this {
    this.#putFaults.push({ matches: predicate, timing, once: false });
    return this;
  }

  /** Make gets, lists (key = prefix) and deletes for which `predicate` holds throw StorageError. */
  failOtherWhen(predicate: (method: 'get' | 'list' | 'delete', key: string) => boolean): this {
    this.#failRead = predicate;
    return this;
  }

  /** Remove every fault and restart the put count. */
  clear(): this {
    this.#puts = 0;
    this.#putFaults = [];
    this.#failRead = undefined;
    return this;
  }

  #fault(what: string): StorageError {
    const error = new StorageError(`injected fault: ${what}`);
    this.injected.push(error);
    return error;
  }

  async get(key: string): Promise<StoredObject | undefined> {
    if (this.#failRead?.('get', key)) throw this.#fault(`get ${key}`);
    return this.inner.get(key);
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions): Promise<{ etag: string }> {
    this.#puts++;
    const attempt: PutAttempt = { key, options, index: this.#puts };
    const fault = this.#putFaults.find((f) => f.matches(attempt));
    if (fault?.once) this.#putFaults.splice(this.#putFaults.indexOf(fault), 1);
    if (fault?.timing === 'before') throw this.#fault(`put #${attempt.index} ${key}`);
    const result = await this.inner.put(key, body, options);
    if (fault?.timing === 'after') throw this.#fault(`put #${attempt.index} ${key} (written, answer lost)`);
    return result;
  }

  async delete(key: string): Promise<void> {
    if (this.#failRead?.('delete', key)) throw this.#fault(`delete ${key}`);
    return this.inner.delete(key);
  }

  async *list(prefix: string): AsyncIterable<string> {
    if (this.#failRead?.('list', prefix)) throw this.#fault(`list ${prefix}`);
    yield* this.inner.list(prefix);
  }
}

/**
 * Delays every request before and after it reaches the inner store by a random number of event
 * loop turns (setImmediate, no timers), drawn from one seeded generator. Concurrent callers then
 * interleave in a different but replayable order per seed, which is how races between publishes
 * that a plain in-memory store would serialise get exercised.
 */
export class ShuffledLatencyStore implements Store {
  constructor(
    readonly inner: Store,
    private readonly random: () => number,
    private readonly maxTurns = 6,
  ) {}

  private async turns(): Promise<void> {
    const n = Math.floor(this.random() * (this.maxTurns + 1));
    for (let i = 0; i < n; i += 1) await new Promise((resolve) => setImmediate(resolve));
  }

  async get(key: string): Promise<StoredObject | undefined> {
    await this.turns();
    const found = await this.inner.get(key);
    await this.turns();
    return found;
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions): Promise<{ etag: string }> {
    await this.turns();
    const result = await this.inner.put(key, body, options);
    await this.turns();
    return result;
  }

  async delete(key: string): Promise<void> {
    await this.turns();
    await this.inner.delete(key);
    await this.turns();
  }

  list(prefix: string): AsyncIterable<string> {
    return this.inner.list(prefix);
  }
}
