import { createHash } from 'node:crypto';
import { ObjectTooLargeError, PreconditionFailedError } from '../errors.ts';
import type { GetOptions, PutOptions, Store, StoredObject } from './store.ts';

const toBytes = (body: Uint8Array | string) =>
  typeof body === 'string' ? new TextEncoder().encode(body) : body;

/** Strong ETag of a body: quoted hex MD5, the form S3 uses for single-part uploads. */
export const etagOf = (body: Uint8Array) => `"${createHash('md5').update(body).digest('hex')}"`;

/**
 * In-memory store for tests and benchmarks. Conditional writes are checked and applied in one
 * synchronous step, so concurrent publishers in one process see real S3 semantics.
 */
export class MemoryStore implements Store {
  readonly #objects = new Map<string, StoredObject>();

  async get(key: string, options?: GetOptions): Promise<StoredObject | undefined> {
    const found = this.#objects.get(key);
    if (found !== undefined && options?.maxBytes !== undefined && found.body.byteLength > options.maxBytes)
      throw new ObjectTooLargeError(key, options.maxBytes, found.body.byteLength);
    return found === undefined ? undefined : { ...found, body: found.body.slice() };
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions): Promise<{ etag: string }> {
    const current = this.#objects.get(key);
    if (options.ifNoneMatch === '*' && current !== undefined) throw new PreconditionFailedError(key);
    if (options.ifMatch !== undefined && current?.etag !== options.ifMatch)
      throw new PreconditionFailedError(key);
    const bytes = toBytes(body).slice();
    const etag = etagOf(bytes);
    this.#objects.set(key, {
      body: bytes,
      etag,
      contentType: options.contentType,
      cacheControl: options.cacheControl,
      lastModified: new Date(),
    });
    return { etag };
  }

  async delete(key: string): Promise<void> {
    this.#objects.delete(key);
  }

  async *list(prefix: string): AsyncIterable<string> {
    const keys = [...this.#objects.keys()].filter((k) => k.startsWith(prefix)).sort();
    yield* keys;
  }

  /** Number of objects held (tests). */
  get size() {
    return this.#objects.size;
  }
}
