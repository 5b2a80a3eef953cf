import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putAllowed, type S3rverObjectChange } from '../../scripts/lib/s3rver-server.ts';
import { S3Store } from '../../shared/storage/s3-store.ts';
import { startS3rver, type TestS3rver } from '../support/s3rver.ts';

describe('putAllowed (the conditional PUT rule enforced in front of s3rver)', () => {
  const etag = '"0123456789abcdef0123456789abcdef"';
  it.each([
    ['no condition, absent', undefined, '', '', true],
    ['no condition, present', etag, '', '', true],
    ['If-None-Match * on absent', undefined, '', '*', true],
    ['If-None-Match * on present', etag, '', '*', false],
    ['If-Match current', etag, etag, '', true],
    ['If-Match current without quotes', etag, etag.slice(1, -1), '', true],
    ['If-Match one of a list', etag, `"other", ${etag}`, '', true],
    ['If-Match stale', etag, '"ffff"', '', false],
    ['If-Match on absent', undefined, etag, '', false],
    ['If-Match * on present', etag, '*', '', true],
    ['If-Match * on absent', undefined, '*', '', false],
    ['If-None-Match current etag', etag, '', etag, false],
    ['If-None-Match other etag', etag, '', '"ffff"', true],
  ])('%s → %s', (_name, current, ifMatch, ifNoneMatch, allowed) => {
    expect(putAllowed(current, ifMatch, ifNoneMatch)).toBe(allowed);
  });
});

describe('s3rver behind the guard', () => {
  let s3: TestS3rver;
  const changes: S3rverObjectChange[] = [];
  beforeAll(async () => {
    s3 = await startS3rver({ onObject: (change) => changes.push(change) });
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it('answers 412 with an S3 XML error to a plain HTTP PUT whose If-None-Match fails', async () => {
    const url = `${s3.endpoint}/${s3.bucket}/raw.txt`;
    // s3rver checks signatures only when an Authorization header is present.
    expect((await fetch(url, { method: 'PUT', body: 'one' })).status).toBe(200);
    const refused = await fetch(url, { method: 'PUT', body: 'two', headers: { 'if-none-match': '*' } });
    expect(refused.status).toBe(412);
    expect(await refused.text()).toContain('<Code>PreconditionFailed</Code>');
    expect(await (await fetch(url)).text()).toBe('one');
  });

  it('never returns a torn body while large PUTs of the same key run', async () => {
    const store = new S3Store({ client: s3.client, bucket: s3.bucket });
    const bodies = ['a', 'b', 'c', 'd'].map((c) => c.repeat(2 * 1024 * 1024));
    await store.put('big.txt', bodies[0]!, { contentType: 'text/plain', cacheControl: 'no-cache' });
    const reads: string[] = [];
    await Promise.all([
      ...bodies.map((body) =>
        store.put('big.txt', body, { contentType: 'text/plain', cacheControl: 'no-cache' }),
      ),
      ...Array.from({ length: 6 }, async () => {
        const got = await store.get('big.txt');
        reads.push(new TextDecoder().decode(got!.body));
      }),
    ]);
    expect(reads).toHaveLength(6);
    for (const read of reads) expect(bodies).toContain(read);
  });

  it('reports created and removed objects with their raw keys, and nothing for a refused PUT', async () => {
    changes.length = 0;
    const key = 'incoming/2024-11-30/版面 01.txt';
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: 'x' }));
    await s3.client
      .send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: 'y', IfNoneMatch: '*' }))
      .catch(() => undefined);
    await new S3Store({ client: s3.client, bucket: s3.bucket }).delete(key);
    expect(changes.map((c) => [c.type, c.bucket, c.key])).toEqual([
      ['created', s3.bucket, key],
      ['removed', s3.bucket, key],
    ]);
    expect(changes[0]?.size).toBe(1);
  });

  it('lists past one page, in UTF-8 key order, although s3rver cannot page on Node >= 17', async () => {
    const store = new S3Store({ client: s3.client, bucket: s3.bucket });
    const keys = Array.from({ length: 1003 }, (_, i) => `many/${String(i).padStart(4, '0')}.json`);
    for (let i = 0; i < keys.length; i += 50)
      await Promise.all(
        keys.slice(i, i + 50).map((key) => store.put(key, '{}', { contentType: 'a/b', cacheControl: 'x' })),
      );
    const listed: string[] = [];
    for await (const key of store.list('many/')) listed.push(key);
    expect(listed).toEqual(keys);
  });

  it('pages in S3 order when keys differ by "-" and "/"', async () => {
    const store = new S3Store({ client: s3.client, bucket: s3.bucket });
    for (const key of ['order/all/rss.xml', 'order/all-old/rss.xml', 'order/all/atom.xml', 'order/版面.xml'])
      await store.put(key, 'x', { contentType: 'a/b', cacheControl: 'x' });
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.client.send(
        new ListObjectsV2Command({
          Bucket: s3.bucket,
          Prefix: 'order/',
          MaxKeys: 1,
          ContinuationToken: token,
        }),
      );
      seen.push(...(page.Contents ?? []).map((c) => c.Key!));
      token = page.NextContinuationToken;
    } while (token !== undefined);
    expect(seen).toEqual([
      'order/all-old/rss.xml',
      'order/all/atom.xml',
      'order/all/rss.xml',
      'order/版面.xml',
    ]);
  });
});
