/**
 * The storage port: small, string/bytes shaped, no S3 types. Implementations: S3Store
 * (s3-store.ts), FsStore (fs-store.ts, the embedded default), MemoryStore (memory-store.ts).
 * One contract test (test/storage/store-contract.test.ts) runs against all of them.
 */

export interface StoredObject {
  body: Uint8Array;
  /** Strong entity tag, quoted as in HTTP (`"…"`). */
  etag: string;
  contentType?: string;
  cacheControl?: string;
  lastModified?: Date;
}

export interface PutOptions {
  contentType: string;
  cacheControl: string;
  /** Write only if the current object has this ETag (optimistic concurrency). */
  ifMatch?: string;
  /** `'*'`: write only if no object exists under the key. */
  ifNoneMatch?: '*';
}

export interface Store {
  /** The object, or undefined when absent. */
  get(key: string): Promise<StoredObject | undefined>;
  /**
   * Write; resolves with the new ETag. A failed precondition throws PreconditionFailedError;
   * a transient failure throws StorageError.
   */
  put(key: string, body: Uint8Array | string, options: PutOptions): Promise<{ etag: string }>;
  /** Remove; absent keys are not an error. */
  delete(key: string): Promise<void>;
  /** Keys under a prefix, in lexicographic order. */
  list(prefix: string): AsyncIterable<string>;
}
