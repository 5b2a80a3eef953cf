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

export interface GetOptions {
  /**
   * Refuse objects larger than this many bytes, checked BEFORE the body is read (S3's
   * Content-Length, the file's size) and enforced while reading (at most this many bytes are
   * ever buffered): an upload near the function's memory must get a report, not kill it.
   */
  maxBytes?: number;
}

export interface Store {
  /**
   * The object, or undefined when absent.
   * @throws ObjectTooLargeError when `options.maxBytes` is set and the object is larger
   */
  get(key: string, options?: GetOptions): Promise<StoredObject | undefined>;
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
