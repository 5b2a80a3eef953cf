import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/clock.ts';
import { silentLog } from '../../shared/log.ts';
import { publishUpload } from '../../shared/publish/publish-upload.ts';
import { rebuildSite } from '../../shared/publish/rebuild-site.ts';
import { inputPrefix } from '../../shared/site-layout.ts';
import { S3Store } from '../../shared/storage/s3-store.ts';
import type { Store } from '../../shared/storage/store.ts';
import { startS3rver, type TestS3rver } from '../support/s3rver.ts';
import { afterPublication, config, fixture, makeDeps, snapshot, upload } from './publish-kit.ts';

/**
 * The same use case over the S3 API (s3rver on loopback, conditional PUT enforced by the test
 * server's middleware): uploads and site share one bucket here, told apart by prefix.
 */

/** The bucket seen without the uploads: the site as the build function leaves it. */
class SiteView implements Store {
  constructor(readonly inner: Store) {}
  get(key: string) {
    return this.inner.get(key);
  }
  put(key: string, body: Uint8Array | string, options: Parameters<Store['put']>[2]) {
    return this.inner.put(key, body, options);
  }
  delete(key: string) {
    return this.inner.delete(key);
  }
  async *list(prefix: string) {
    for await (const key of this.inner.list(prefix)) if (!key.startsWith(inputPrefix)) yield key;
  }
}

describe('publishing through the S3 API', () => {
  let s3: TestS3rver;
  beforeAll(async () => {
    s3 = await startS3rver();
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it('publishes concurrent pages to the same bytes as the memory store, and rebuild rewrites nothing', async () => {
    const bucket = new S3Store({ client: s3.client, bucket: s3.bucket });
    const site = new SiteView(bucket);
    const keys = ['incoming/2024-11-30/01.txt', 'incoming/2024-11-30/02.txt', 'incoming/2024-11-30/04.txt'];
    const bodies = [fixture('01'), fixture('02'), fixture('04')];
    for (const [i, key] of keys.entries()) await upload(bucket, key, bodies[i]!);
    const deps = { ...makeDeps(), input: bucket, site };
    await Promise.all(keys.map((key) => publishUpload(deps, { type: 'created', key })));

    const reference = makeDeps();
    for (const [i, key] of keys.entries()) {
      await upload(reference.input, key, bodies[i]!);
      await publishUpload(reference, { type: 'created', key });
    }
    expect(await snapshot(site)).toEqual(await snapshot(reference.site));

    const again = await publishUpload(deps, { type: 'created', key: keys[0]! });
    expect(again.written).toEqual([]);
    const summary = await rebuildSite({ site, config, clock: fixedClock(afterPublication), log: silentLog });
    expect(summary).toMatchObject({ dates: 1, written: 0 });
  });
});
