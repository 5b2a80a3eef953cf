import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { ObjectTooLargeError, PreconditionFailedError, StorageError } from '../errors.ts';
import { etagOf } from './memory-store.ts';
import type { GetOptions, PutOptions, Store, StoredObject } from './store.ts';

/** What S3Store needs: a client made at the edge (no module-scope client) and one bucket. */
export interface S3StoreOptions {
  client: S3Client;
  bucket: string;
}

/** Options of {@link createS3Client}; everything else keeps the SDK's defaults. */
export interface S3ClientOptions {
  /** Default: the SDK's own resolution (AWS_REGION); `us-east-1` when `endpoint` is set. */
  region?: string | undefined;
  /** An S3-compatible endpoint (s3rver on loopback); unset on AWS. */
  endpoint?: string;
  /** Path-style URLs (`<endpoint>/<bucket>/<key>`): needed by s3rver, which has no DNS. */
  forcePathStyle?: boolean;
  credentials?: S3ClientConfig['credentials'];
  /** Attempts per request, retries included (SDK default 3). */
  maxAttempts?: number;
}

/**
 * An S3 client for the store. Checksums are computed and validated only when an operation
 * requires them: with the SDK's newer default, stream bodies sent to s3rver are stored with
 * their aws-chunked framing (silent corruption); on AWS the setting changes nothing we rely on.
 */
export const createS3Client = (options: S3ClientOptions = {}): S3Client =>
  new S3Client({
    // On AWS the SDK takes the region from the environment (Lambda sets AWS_REGION) and fails
    // loudly without one; an S3-compatible endpoint ignores it, so only then is there a default.
    ...(options.region !== undefined
      ? { region: options.region }
      : options.endpoint !== undefined
        ? { region: 'us-east-1' }
        : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.forcePathStyle === undefined ? {} : { forcePathStyle: options.forcePathStyle }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  });

const statusOf = (error: unknown) =>
  error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;

/**
 * An absent key, and only that. `NoSuchBucket` is a 404 too, but it means a wrong bucket name or
 * region: read as "absent" it would publish an empty site and cache 404 pages. A 403 (no
 * s3:ListBucket, or a policy fault) is never "absent" either: both stay StorageErrors.
 */
const isNotFound = (error: unknown) =>
  error instanceof S3ServiceException &&
  error.name !== 'NoSuchBucket' &&
  (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404);

/** A lost conditional write: 412, or 409 ConditionalRequestConflict (a concurrent write won). */
const isPreconditionFailure = (error: unknown) =>
  statusOf(error) === 412 ||
  (error instanceof S3ServiceException && error.name === 'ConditionalRequestConflict');

const describe = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** A GetObject body in Node: a readable stream of byte chunks (the SDK's IncomingMessage). */
interface BodyStream extends AsyncIterable<Uint8Array> {
  destroy(error?: Error): void;
}

/**
 * A body read with a cap: refused on its Content-Length before any byte is read, and cut off as
 * soon as more than `maxBytes` arrived (a missing or lying length). The connection is destroyed
 * either way, so the rest of the object is never downloaded.
 */
const readBounded = async (
  key: string,
  body: BodyStream,
  contentLength: number | undefined,
  maxBytes: number,
): Promise<Uint8Array> => {
  if (contentLength !== undefined && contentLength > maxBytes) {
    body.destroy();
    throw new ObjectTooLargeError(key, maxBytes, contentLength);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      body.destroy();
      throw new ObjectTooLargeError(key, maxBytes);
    }
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks, total));
};

/**
 * The store on Amazon S3 (or any S3-compatible endpoint). Conditional writes use S3's native
 * `If-Match` / `If-None-Match` on PutObject; the SDK must be >= 3.700 (older ones drop IfMatch
 * silently), which is why the SDK is bundled rather than taken from the Lambda runtime.
 */
export class S3Store implements Store {
  readonly #client: S3Client;
  readonly #bucket: string;

  constructor(options: S3StoreOptions) {
    this.#client = options.client;
    this.#bucket = options.bucket;
  }

  async get(key: string, options?: GetOptions): Promise<StoredObject | undefined> {
    const maxBytes = options?.maxBytes;
    try {
      const out = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
      // Read the body fully inside the try: a connection dropped mid-body is a StorageError too.
      const body =
        out.Body === undefined
          ? new Uint8Array()
          : maxBytes === undefined
            ? await out.Body.transformToByteArray()
            : await readBounded(key, out.Body as unknown as BodyStream, out.ContentLength, maxBytes);
      return {
        body,
        etag: out.ETag ?? etagOf(body),
        ...(out.ContentType === undefined ? {} : { contentType: out.ContentType }),
        ...(out.CacheControl === undefined ? {} : { cacheControl: out.CacheControl }),
        ...(out.LastModified === undefined ? {} : { lastModified: out.LastModified }),
      };
    } catch (error) {
      if (error instanceof ObjectTooLargeError) throw error;
      if (isNotFound(error)) return undefined;
      throw new StorageError(`GET s3://${this.#bucket}/${key} failed: ${describe(error)}`, { cause: error });
    }
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions): Promise<{ etag: string }> {
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    try {
      const out = await this.#client.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: key,
          Body: bytes,
          ContentType: options.contentType,
          CacheControl: options.cacheControl,
          ...(options.ifMatch === undefined ? {} : { IfMatch: options.ifMatch }),
          ...(options.ifNoneMatch === undefined ? {} : { IfNoneMatch: options.ifNoneMatch }),
        }),
      );
      return { etag: out.ETag ?? etagOf(bytes) };
    } catch (error) {
      // If-Match on a key that no longer exists may answer 404 rather than 412: either way the
      // object we read is gone, which is a lost precondition, not a transient failure.
      if (isPreconditionFailure(error) || (options.ifMatch !== undefined && isNotFound(error)))
        throw new PreconditionFailedError(key, { cause: error });
      throw new StorageError(`PUT s3://${this.#bucket}/${key} failed: ${describe(error)}`, { cause: error });
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key }));
    } catch (error) {
      if (isNotFound(error)) return;
      throw new StorageError(`DELETE s3://${this.#bucket}/${key} failed: ${describe(error)}`, {
        cause: error,
      });
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    let continuationToken: string | undefined;
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await this.#client.send(
          new ListObjectsV2Command({
            Bucket: this.#bucket,
            Prefix: prefix,
            ...(continuationToken === undefined ? {} : { ContinuationToken: continuationToken }),
          }),
        );
      } catch (error) {
        throw new StorageError(`LIST s3://${this.#bucket}/${prefix} failed: ${describe(error)}`, {
          cause: error,
        });
      }
      // S3 returns keys in UTF-8 byte order, page after page.
      for (const item of page.Contents ?? []) if (item.Key !== undefined) yield item.Key;
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken !== undefined);
  }
}
