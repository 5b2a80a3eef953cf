import type { Store } from '../storage/store.ts';

interface Read {
  etag: string | undefined;
  bytes?: Uint8Array;
  decoded?: { value: unknown };
}

/**
 * The documents of one kind a render pass read, each with the ETag it was read at: a pass asks
 * `moved()` after writing to learn whether anything it rendered from has changed meanwhile (then
 * what it wrote may be stale, and it renders again). A key is read once however many renderers
 * ask for it at once; a key that moved is kept as it now stands, for the next pass.
 */
export class ReadSet<T> {
  readonly #store: Store;
  readonly #keyOf: (id: string) => string;
  readonly #decode: (bytes: Uint8Array) => T;
  readonly #reads = new Map<string, Promise<Read>>();
  /** Ids read through `get` (a seeded document is checked only once a pass has used it). */
  readonly #consulted = new Set<string>();

  constructor(store: Store, keyOf: (id: string) => string, decode: (bytes: Uint8Array) => T) {
    this.#store = store;
    this.#keyOf = keyOf;
    this.#decode = decode;
  }

  /** A document already at hand with its ETag (undefined: known to be absent): no read. */
  seed(id: string, value: T | undefined, etag: string | undefined) {
    this.#reads.set(id, Promise.resolve({ etag, decoded: { value } }));
  }

  /** The document as this set read it (undefined when absent). */
  async get(id: string): Promise<T | undefined> {
    this.#consulted.add(id);
    let read = this.#reads.get(id);
    if (read === undefined) {
      read = this.#read(id);
      this.#reads.set(id, read);
    }
    const found = await read;
    if (found.decoded === undefined)
      found.decoded = { value: found.bytes === undefined ? undefined : this.#decode(found.bytes) };
    return found.decoded.value as T | undefined;
  }

  /** Did any document a pass used change since it was read? Reads each again, in order. */
  async moved(): Promise<boolean> {
    let moved = false;
    for (const id of this.#consulted) {
      const fresh = await this.#read(id);
      if (fresh.etag === (await this.#reads.get(id))?.etag) continue;
      this.#reads.set(id, Promise.resolve(fresh));
      moved = true;
    }
    return moved;
  }

  async #read(id: string): Promise<Read> {
    const found = await this.#store.get(this.#keyOf(id));
    return found === undefined ? { etag: undefined } : { etag: found.etag, bytes: found.body };
  }
}
