import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { PreconditionFailedError, StorageError } from '../../shared/errors.ts';
import { createS3Client, S3Store } from '../../shared/storage/s3-store.ts';
import type { PutOptions } from '../../shared/storage/store.ts';
import { startS3rver, type TestS3rver } from '../support/s3rver.ts';

const json: PutOptions = { contentType: 'application/json; charset=utf-8', cacheControl: 'max-age=60' };

const collect = async (keys: AsyncIterable<string>) => {
  const out: string[] = [];
  for await (const key of keys) out.push(key);
  return out;
};

/** What the fake endpoint answers next, and what it saw. */
interface Scripted {
  status: number;
  code: string;
  /** When set, answers 200 with this body instead of an error. */
  ok?: (url: URL) => string;
  headers: IncomingHttpHeaders[];
  urls: string[];
}

const errorXml = (code: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>scripted</Message><RequestId>1</RequestId></Error>`;

describe('S3Store against a scripted S3 endpoint', () => {
  let server: Server;
  let endpoint: string;
  const script: Scripted = { status: 500, code: 'InternalError', headers: [], urls: [] };

  beforeAll(async () => {
    server = createServer((req, res) => {
      script.headers.push(req.headers);
      script.urls.push(req.url ?? '');
      req.resume();
      req.on('end', () => {
        const ok = script.ok;
        res.writeHead(ok ? 200 : script.status, { 'content-type': 'application/xml' });
        res.end(ok ? ok(new URL(req.url ?? '/', 'http://x')) : errorXml(script.code));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    script.headers.length = 0;
    script.urls.length = 0;
    delete script.ok;
  });

  // One attempt per request: the SDK's own retries would only repeat the scripted answer.
  const store = () =>
    new S3Store({
      client: createS3Client({
        endpoint,
        forcePathStyle: true,
        maxAttempts: 1,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      }),
      bucket: 'site',
    });

  it.each([
    [500, 'InternalError'],
    [503, 'SlowDown'],
  ])('turns a %i answer into StorageError on get, put, delete and list', async (status, code) => {
    script.status = status;
    script.code = code;
    const s = store();
    await expect(s.get('a.json')).rejects.toBeInstanceOf(StorageError);
    await expect(s.put('a.json', '{}', json)).rejects.toBeInstanceOf(StorageError);
    await expect(s.put('a.json', '{}', { ...json, ifMatch: '"abc"' })).rejects.toBeInstanceOf(StorageError);
    await expect(s.delete('a.json')).rejects.toBeInstanceOf(StorageError);
    await expect(collect(s.list('feeds/'))).rejects.toBeInstanceOf(StorageError);
    const error = await s.get('a.json').catch((e: unknown) => e);
    expect((error as StorageError).cause).toBeInstanceOf(S3ServiceException);
  });

  it('turns a refused connection into StorageError', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const s = new S3Store({
      client: createS3Client({
        endpoint: `http://127.0.0.1:${port}`,
        forcePathStyle: true,
        maxAttempts: 1,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      }),
      bucket: 'site',
    });
    await expect(s.get('a.json')).rejects.toBeInstanceOf(StorageError);
  });

  it('turns 412 PreconditionFailed into PreconditionFailedError', async () => {
    script.status = 412;
    script.code = 'PreconditionFailed';
    const error = await store()
      .put('issues/latest.json', '{}', { ...json, ifMatch: '"0123"' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect((error as PreconditionFailedError).key).toBe('issues/latest.json');
  });

  it('turns 409 ConditionalRequestConflict into PreconditionFailedError', async () => {
    script.status = 409;
    script.code = 'ConditionalRequestConflict';
    await expect(store().put('a.json', '{}', { ...json, ifNoneMatch: '*' })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
  });

  it('turns 404 NoSuchKey on an If-Match write into PreconditionFailedError: the object read is gone', async () => {
    script.status = 404;
    script.code = 'NoSuchKey';
    await expect(store().put('a.json', '{}', { ...json, ifMatch: '"0123"' })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
  });

  it('answers undefined for 404 NoSuchKey on get, and deletes an absent key quietly', async () => {
    script.status = 404;
    script.code = 'NoSuchKey';
    expect(await store().get('missing.json')).toBeUndefined();
    await expect(store().delete('missing.json')).resolves.toBeUndefined();
  });

  // A wrong bucket name (or region) and a missing permission are faults, never "absent": read as
  // absent they would publish an empty site or serve cached 404 pages for articles that exist.
  it.each([
    [404, 'NoSuchBucket'],
    [403, 'AccessDenied'],
  ])('turns %i %s into StorageError on get, put and delete, never into "absent"', async (status, code) => {
    script.status = status;
    script.code = code;
    await expect(store().get('articles/2024-11-30/p1-abc.json')).rejects.toBeInstanceOf(StorageError);
    await expect(store().put('a.json', '{}', { ...json, ifMatch: '"0123"' })).rejects.toBeInstanceOf(
      StorageError,
    );
    await expect(store().delete('feeds/a.xml')).rejects.toBeInstanceOf(StorageError);
  });

  it('sends content type, cache-control and the conditional headers on put', async () => {
    script.status = 412;
    script.code = 'PreconditionFailed';
    await store()
      .put('a b/衢州.json', '{}', { ...json, ifMatch: '"0123abc"' })
      .catch(() => undefined);
    await store()
      .put('c.json', '{}', { ...json, ifNoneMatch: '*' })
      .catch(() => undefined);
    const [withMatch, withNoneMatch] = script.headers;
    expect(withMatch?.['if-match']).toBe('"0123abc"');
    expect(withMatch?.['content-type']).toBe(json.contentType);
    expect(withMatch?.['cache-control']).toBe(json.cacheControl);
    expect(withNoneMatch?.['if-none-match']).toBe('*');
    // Keys are percent-encoded UTF-8 on the wire, one path segment at a time.
    expect(script.urls[0]).toContain(`/site/a%20b/${encodeURIComponent('衢州')}.json`);
  });

  it('follows continuation tokens until the listing ends', async () => {
    const page = (keys: string[], next?: string) =>
      '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>site</Name><Prefix>feeds/</Prefix>' +
      `<KeyCount>${keys.length}</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>${next !== undefined}</IsTruncated>` +
      (next === undefined ? '' : `<NextContinuationToken>${next}</NextContinuationToken>`) +
      keys.map((k) => `<Contents><Key>${k}</Key><ETag>"x"</ETag><Size>1</Size></Contents>`).join('') +
      '</ListBucketResult>';
    script.ok = (url) => {
      const token = url.searchParams.get('continuation-token');
      if (token === null) return page(['feeds/a.xml', 'feeds/b.xml'], 'page-2');
      if (token === 'page-2') return page(['feeds/c.xml', 'feeds/d.xml'], 'page-3');
      return page(['feeds/e.xml']);
    };
    expect(await collect(store().list('feeds/'))).toEqual([
      'feeds/a.xml',
      'feeds/b.xml',
      'feeds/c.xml',
      'feeds/d.xml',
      'feeds/e.xml',
    ]);
    expect(script.urls).toHaveLength(3);
    expect(script.urls.every((u) => u.includes('list-type=2') && u.includes('prefix=feeds%2F'))).toBe(true);
  });
});

describe('createS3Client', () => {
  it('computes and validates checksums only when required (s3rver stores aws-chunked bodies otherwise)', async () => {
    const client = createS3Client({ endpoint: 'http://127.0.0.1:1', forcePathStyle: true });
    expect(await client.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
    expect(await client.config.responseChecksumValidation()).toBe('WHEN_REQUIRED');
    expect(client.config.forcePathStyle).toBe(true);
    client.destroy();
  });

  it('takes the region from the environment on AWS, and defaults it only for a custom endpoint', async () => {
    vi.stubEnv('AWS_REGION', 'ap-east-1');
    try {
      const aws = createS3Client();
      const local = createS3Client({ endpoint: 'http://127.0.0.1:1' });
      const explicit = createS3Client({ region: 'cn-north-1' });
      expect(await aws.config.region()).toBe('ap-east-1');
      expect(await local.config.region()).toBe('us-east-1');
      expect(await explicit.config.region()).toBe('cn-north-1');
      for (const c of [aws, local, explicit]) c.destroy();
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('S3Store on s3rver', () => {
  let s3: TestS3rver;
  beforeAll(async () => {
    s3 = await startS3rver();
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it('reports a lost precondition with the PreconditionFailed code from the guard in front of s3rver', async () => {
    const store = new S3Store({ client: s3.client, bucket: s3.bucket });
    await store.put('x.json', '1', json);
    const error = await store.put('x.json', '2', { ...json, ifNoneMatch: '*' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(((error as PreconditionFailedError).cause as S3ServiceException).name).toBe('PreconditionFailed');
  });
});
