import { describe, expect, it } from 'vitest';
import { type CdnInvalidator, cdnPathOf } from '../../shared/publish/cdn-invalidation.ts';
import type { MediaStateDoc } from '../../shared/publish/media-state.ts';
import { publishUpload, type UploadEvent } from '../../shared/publish/publish-upload.ts';
import { mediaStateKey } from '../../shared/site-layout.ts';
import { MemoryStore } from '../../shared/storage/memory-store.ts';
import type { Store } from '../../shared/storage/store.ts';
import { photoLikeJpeg } from '../media/generated-pictures.ts';
import { fixture, makeDeps, readIssue, upload } from './publish-kit.ts';

const date = '2024-11-30';
const textKey = `incoming/${date}/01.txt`;
const photoKey = `incoming/${date}/01-古城韵味.jpg`;
const created = (key: string): UploadEvent => ({ type: 'created', key });
const removed = (key: string): UploadEvent => ({ type: 'removed', key });

/** A CDN that records every invalidation, and refuses them while `refusing` is set. */
class FakeCdn implements CdnInvalidator {
  readonly calls: string[][] = [];
  refusing = false;

  async invalidate(paths: readonly string[]): Promise<void> {
    if (this.refusing) throw new Error('CDN refused the invalidation');
    this.calls.push([...paths]);
  }
}

/** The site store, remembering which keys were deleted. */
const deletionsOf = (site: Store) => {
  const deleted: string[] = [];
  const store: Store = {
    get: (key, options) => site.get(key, options),
    put: (key, body, options) => site.put(key, body, options),
    delete: (key) => {
      deleted.push(key);
      return site.delete(key);
    },
    list: (prefix) => site.list(prefix),
  };
  return { store, deleted };
};

const setUp = () => {
  const cdn = new FakeCdn();
  const site = deletionsOf(new MemoryStore());
  const deps = makeDeps({ site: site.store, cdn });
  const publish = async (key: string, body: Uint8Array | string) => {
    await upload(deps.input, key, body);
    return publishUpload(deps, created(key));
  };
  const retract = async (key: string) => {
    await deps.input.delete(key);
    return publishUpload(deps, removed(key));
  };
  const mediaKeys = async () => {
    const keys: string[] = [];
    for await (const key of deps.site.list('media/')) keys.push(key);
    return keys;
  };
  const mediaState = async () => {
    const found = await deps.site.get(mediaStateKey(date));
    return found && (JSON.parse(new TextDecoder().decode(found.body)) as MediaStateDoc);
  };
  return { cdn, deps, deleted: site.deleted, publish, retract, mediaKeys, mediaState };
};

const pathsOf = (keys: readonly string[]) => keys.map((key) => `/${key}`).sort();

describe('the CDN hears of deleted renditions', () => {
  it('invalidates exactly the renditions a replaced photo leaves unused, in one request', async () => {
    const { cdn, publish, mediaKeys } = setUp();
    await publish(textKey, fixture('01'));
    await publish(photoKey, await photoLikeJpeg(800, 600, 1));
    const old = await mediaKeys();
    expect(old).toHaveLength(4);
    expect(cdn.calls).toEqual([]);
    await publish(photoKey, await photoLikeJpeg(800, 600, 2));
    const now = await mediaKeys();
    expect(cdn.calls).toHaveLength(1);
    expect([...cdn.calls[0]!].sort()).toEqual(pathsOf(old));
    // Nothing still served is invalidated.
    expect(cdn.calls[0]!.filter((path) => pathsOf(now).includes(path))).toEqual([]);
  });

  it('invalidates the renditions of a retracted photo', async () => {
    const { cdn, publish, retract, mediaKeys } = setUp();
    await publish(textKey, fixture('01'));
    await publish(photoKey, await photoLikeJpeg(800, 600, 1));
    const old = await mediaKeys();
    expect((await retract(photoKey)).status).toBe('retracted');
    expect(await mediaKeys()).toEqual([]);
    expect(cdn.calls.map((paths) => [...paths].sort())).toEqual([pathsOf(old)]);
  });

  it('neither deletes nor invalidates a rendition another upload still uses', async () => {
    const { cdn, deleted, publish, retract, mediaKeys } = setUp();
    await publish(textKey, fixture('01'));
    const picture = await photoLikeJpeg(800, 600, 4);
    const second = `incoming/${date}/01-古城韵味-2.jpg`;
    await publish(photoKey, picture);
    await publish(second, picture);
    const shared = await mediaKeys();
    await retract(photoKey);
    expect(await mediaKeys()).toEqual(shared);
    expect(deleted.filter((key) => key.startsWith('media/'))).toEqual([]);
    expect(cdn.calls).toEqual([]);
    // The last user gone, they go, from the bucket and the CDN.
    await retract(second);
    expect(cdn.calls.map((paths) => [...paths].sort())).toEqual([pathsOf(shared)]);
  });

  it('keeps the release pending when the CDN refuses, and the retry deletes, invalidates and clears it', async () => {
    const { cdn, deleted, deps, publish, retract, mediaKeys, mediaState } = setUp();
    await publish(textKey, fixture('01'));
    await publish(photoKey, await photoLikeJpeg(800, 600, 1));
    const old = await mediaKeys();
    cdn.refusing = true;
    await expect(retract(photoKey)).rejects.toThrow('CDN refused the invalidation');
    expect((await mediaState())?.released?.[photoKey]).toHaveLength(1);
    expect(await mediaKeys()).toEqual([]);
    cdn.refusing = false;
    deleted.length = 0;
    await publishUpload(deps, removed(photoKey));
    expect(deleted.filter((key) => key.startsWith('media/')).sort()).toEqual([...old].sort());
    expect(cdn.calls.map((paths) => [...paths].sort())).toEqual([pathsOf(old)]);
    expect(await mediaState()).toEqual({ date, uploads: {} });
    expect((await readIssue(deps.site, date))?.hasMedia).toBe(true);
  });

  it('invalidates nothing for a text publish', async () => {
    const { cdn, publish } = setUp();
    await publish(textKey, fixture('01'));
    await publish(textKey, fixture('01').toString('utf8').replace('古城韵味', '古城风貌'));
    expect(cdn.calls).toEqual([]);
  });
});

describe('cdnPathOf', () => {
  it('is the key under `/`, each segment URL-encoded, `*` included (a wildcard in CloudFront)', () => {
    expect(cdnPathOf('media/3f9a0c/1200.jpg')).toBe('/media/3f9a0c/1200.jpg');
    expect(cdnPathOf('media/3f9a0c/古城 韵味*.jpg')).toBe(
      '/media/3f9a0c/%E5%8F%A4%E5%9F%8E%20%E9%9F%B5%E5%91%B3%2A.jpg',
    );
  });
});
