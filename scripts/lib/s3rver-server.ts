import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { KeyedLock } from '../../shared/storage/fs-store.ts';
import { createS3Client } from '../../shared/storage/s3-store.ts';

/** What s3rver's filesystem store offers that the middleware uses (it is not in @types/s3rver). */
interface S3rverStore {
  getMetadata(bucket: string, key: string): Promise<{ etag?: string }>;
  getBucket(bucket: string): Promise<unknown>;
  listObjects(
    bucket: string,
    options: { prefix?: string },
  ): Promise<{
    objects: { key: string; size: number; lastModifiedDate: Date; metadata: { etag: string } }[];
  }>;
}

/** The slice of a Koa context the middleware touches (koa ships without types here). */
interface KoaContext {
  method: string;
  path: string;
  query: Record<string, unknown>;
  status: number;
  type: string;
  body: unknown;
  get(field: string): string;
}

type KoaMiddleware = ((ctx: KoaContext, next: () => Promise<void>) => Promise<void>) & { router?: unknown };

/** s3rver's own members this module reaches (it extends Koa; @types/s3rver hides them). */
interface S3rverInternals {
  middleware: KoaMiddleware[];
  store: S3rverStore;
  on(event: 'event', listener: (event: S3rverEvent) => void): unknown;
}

/** The S3 notification s3rver emits for every object write and delete (raw, not URL-encoded keys). */
interface S3rverEvent {
  Records: {
    eventName: string;
    s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string } };
  }[];
}

/** An object written or deleted through the endpoint, with its key as stored (not encoded). */
export interface S3rverObjectChange {
  type: 'created' | 'removed';
  bucket: string;
  key: string;
  size?: number;
  eTag?: string;
}

/** Options of {@link startS3rver}. */
export interface S3rverServerOptions {
  /** Folder s3rver keeps buckets and objects in (kept across restarts). */
  directory: string;
  /** 0 (default) asks the system for a free port; the real one is returned. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Bucket created at start when missing. */
  bucket: string;
  /** Called for every object created or removed, in any bucket. */
  onObject?: (change: S3rverObjectChange) => void;
  /** Print s3rver's request log (default false). */
  verbose?: boolean;
}

/** A running s3rver with conditional PUT enforced in front of it. */
export interface S3rverServer {
  /** `http://<host>:<port>` with the real port. */
  endpoint: string;
  port: number;
  bucket: string;
  /** A client configured for this endpoint (path style, S3RVER credentials, checksums off). */
  client: S3Client;
  /** Close the client and the server. Idempotent. */
  stop(): Promise<void>;
}

/** s3rver accepts only these credentials. */
const s3rverCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** `"abc"`, `W/"abc"` and `abc` name the same S3 object version. */
const normaliseEtag = (etag: string) =>
  etag
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');

const etagList = (header: string) => header.split(',').map(normaliseEtag).filter(Boolean);

const xmlEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Whether a PUT with these headers may replace an object whose ETag is `current` (absent: undefined). */
export const putAllowed = (current: string | undefined, ifMatch: string, ifNoneMatch: string): boolean => {
  if (ifMatch !== '') {
    if (current === undefined) return false;
    if (ifMatch.trim() !== '*' && !etagList(ifMatch).includes(normaliseEtag(current))) return false;
  }
  if (ifNoneMatch !== '') {
    if (ifNoneMatch.trim() === '*') return current === undefined;
    if (current !== undefined && etagList(ifNoneMatch).includes(normaliseEtag(current))) return false;
  }
  return true;
};

const readAll = async (stream: Readable) => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
};

const byUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/**
 * s3rver lists keys in folder-walk order (`a/all/x` before `a/all-old/x`); S3 lists them in
 * UTF-8 byte order. For the listings left to s3rver (V1, or with a delimiter) each page is
 * sorted, which is exact when the listing fits in one page (1,000 keys).
 */
const sortListing = (body: unknown) => {
  const contents = (body as { ListBucketResult?: { Contents?: unknown } } | undefined)?.ListBucketResult
    ?.Contents;
  if (Array.isArray(contents)) (contents as { Key: string }[]).sort((a, b) => byUtf8(a.Key, b.Key));
};

const queryString = (ctx: KoaContext, name: string) => {
  const value = ctx.query[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * ListObjectsV2 without a delimiter, answered here rather than by s3rver: s3rver's continuation
 * tokens use DES, which OpenSSL 3 (Node >= 17) refuses, so any listing longer than one page fails
 * with InternalError; and its pages follow folder-walk order. Here all matching keys are read,
 * sorted in UTF-8 byte order as S3 does, and paged with a token that is the last key returned.
 * Returns false (s3rver answers) for anything else.
 */
const listObjectsV2 = async (store: S3rverStore, ctx: KoaContext, bucket: string): Promise<boolean> => {
  if (ctx.method !== 'GET' || queryString(ctx, 'list-type') !== '2') return false;
  if (queryString(ctx, 'delimiter') !== undefined) return false;
  if (!(await store.getBucket(bucket))) return false; // s3rver answers NoSuchBucket
  const maxKeysText = queryString(ctx, 'max-keys');
  const maxKeys = Math.max(0, Math.min(1000, maxKeysText === undefined ? 1000 : Number(maxKeysText) || 0));
  const prefix = queryString(ctx, 'prefix') ?? '';
  const token = queryString(ctx, 'continuation-token');
  const startAfter = queryString(ctx, 'start-after');
  const after = token === undefined ? (startAfter ?? '') : Buffer.from(token, 'base64url').toString('utf8');
  const { objects } = await store.listObjects(bucket, { prefix });
  const matching = objects
    .filter((o) => o.key.startsWith(prefix) && byUtf8(o.key, after) > 0)
    .sort((a, b) => byUtf8(a.key, b.key));
  const page = matching.slice(0, maxKeys);
  const truncated = matching.length > page.length;
  const last = page.at(-1);
  ctx.body = {
    ListBucketResult: {
      '@': { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' },
      Name: bucket,
      Prefix: prefix,
      ...(token === undefined ? {} : { ContinuationToken: token }),
      ...(startAfter === undefined ? {} : { StartAfter: startAfter }),
      ...(truncated && last !== undefined
        ? { NextContinuationToken: Buffer.from(last.key, 'utf8').toString('base64url') }
        : {}),
      KeyCount: page.length,
      MaxKeys: maxKeys,
      IsTruncated: truncated,
      Contents: page.map((o) => ({
        Key: o.key,
        LastModified: o.lastModifiedDate.toISOString(),
        ETag: o.metadata.etag,
        Size: o.size,
        StorageClass: 'STANDARD',
      })),
    },
  };
  return true;
};

/**
 * Koa middleware placed just before s3rver's router. s3rver 3.7.1 ignores If-Match and
 * If-None-Match on PUT and lets a GET read a file another PUT is rewriting; this middleware
 * (1) runs the requests of one object one at a time, and (2) answers 412 PreconditionFailed, as
 * S3 does, when a PUT's precondition does not hold; (3) lists keys as S3 does (order, paging).
 */
const objectGuard =
  (store: S3rverStore, lock: KeyedLock): KoaMiddleware =>
  async (ctx, next) => {
    const match = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
    if (match === null) {
      const bucketOnly = /^\/([^/]+)\/?$/.exec(ctx.path);
      if (bucketOnly !== null && (await listObjectsV2(store, ctx, decodeURIComponent(bucketOnly[1]!))))
        return;
      await next();
      sortListing(ctx.body);
      return;
    }
    let bucket: string;
    let key: string;
    try {
      bucket = decodeURIComponent(match[1]!);
      key = decodeURIComponent(match[2]!);
    } catch {
      return next(); // s3rver answers malformed paths itself
    }
    await lock.run(`${bucket}/${key}`, async () => {
      // Subresource PUTs (?tagging, ?partNumber…) are not object writes; S3 checks them elsewhere.
      // The SDK adds `?x-id=PutObject` to plain object PUTs.
      if (ctx.method === 'PUT' && Object.keys(ctx.query).every((name) => name === 'x-id')) {
        const ifMatch = ctx.get('if-match');
        const ifNoneMatch = ctx.get('if-none-match');
        if (ifMatch !== '' || ifNoneMatch !== '') {
          const current = await store.getMetadata(bucket, key).then(
            (metadata) => metadata.etag,
            (error: unknown) => {
              if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
              throw error;
            },
          );
          if (!putAllowed(current, ifMatch, ifNoneMatch)) {
            ctx.status = 412;
            ctx.type = 'application/xml';
            ctx.body =
              '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code>' +
              '<Message>At least one of the pre-conditions you specified did not hold</Message>' +
              `<Condition>${ifMatch !== '' ? 'If-Match' : 'If-None-Match'}</Condition>` +
              `<Key>${xmlEscape(key)}</Key></Error>`;
            return;
          }
        }
      }
      await next();
      // s3rver answers GET with a file stream that Koa pipes after the middleware returns; read
      // it here, under the lock, so a PUT queued behind cannot truncate the file mid-read.
      if (ctx.body instanceof Readable) ctx.body = await readAll(ctx.body);
    });
  };

const endpointHost = (host: string) => {
  if (host === '0.0.0.0' || host === '' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
};

/**
 * Start s3rver (a real S3 HTTP API on this machine) with a bucket and conditional PUT enforced,
 * for tests and `npm start --s3`. s3rver is a devDependency: nothing in production imports this.
 */
export const startS3rver = async (options: S3rverServerOptions): Promise<S3rverServer> => {
  const host = options.host ?? '127.0.0.1';
  const server = new S3rver({
    address: host,
    port: options.port ?? 0,
    directory: options.directory,
    silent: options.verbose !== true,
    configureBuckets: [{ name: options.bucket, configs: [] }],
  });
  const internals = server as unknown as S3rverInternals;
  // Koa composes its middleware list when the server starts listening (run → callback()), so an
  // insertion before run() takes effect. The router is the function carrying `.router`.
  const routerAt = internals.middleware.findIndex((m) => m.router !== undefined);
  if (routerAt < 0) throw new Error('s3rver internals changed: router middleware not found');
  internals.middleware.splice(routerAt, 0, objectGuard(internals.store, new KeyedLock()));

  const { onObject } = options;
  if (onObject !== undefined) {
    internals.on('event', (event) => {
      for (const record of event.Records) {
        const { bucket, object } = record.s3;
        onObject({
          type: record.eventName.startsWith('ObjectRemoved') ? 'removed' : 'created',
          bucket: bucket.name,
          key: object.key,
          ...(object.size === undefined ? {} : { size: object.size }),
          ...(object.eTag === undefined ? {} : { eTag: object.eTag }),
        });
      }
    });
  }

  const address = await server.run();
  const endpoint = `http://${endpointHost(host)}:${address.port}`;
  const client = createS3Client({ endpoint, forcePathStyle: true, credentials: s3rverCredentials });
  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    port: address.port,
    bucket: options.bucket,
    client,
    stop() {
      stopping ??= (async () => {
        client.destroy();
        await server.close();
      })();
      return stopping;
    },
  };
};
