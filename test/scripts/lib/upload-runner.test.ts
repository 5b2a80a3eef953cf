import { describe, expect, it } from 'vitest';
import { createHandler } from '../../../functions/build-feeds/handler.ts';
import { s3EventFor } from '../../../scripts/lib/s3-event.ts';
import { createUploadRunner, type UploadSource } from '../../../scripts/lib/upload-runner.ts';
import { fixture, makeDeps, upload } from '../../publish/publish-kit.ts';
import { CountingStore } from '../../support/instrumented-store.ts';

const key = 'incoming/2024-11-30/01.txt';

/** A site store counting requests, and an input store holding page 01 (or `body`). */
const stores = async (body: Uint8Array | string = fixture('01')) => {
  const { input, site: inner, ...deps } = makeDeps();
  await upload(input, key, body);
  return { deps, input, site: new CountingStore(inner) };
};

describe('upload runner', () => {
  it('prints from the outcome the handler hands back: no listing, one read beyond the publish', async () => {
    // The handler alone, for the requests publishing itself makes.
    const alone = await stores();
    await createHandler({ ...alone.deps, input: alone.input, site: alone.site })(
      s3EventFor({ type: 'created', key, bucket: 'b', sequencer: '01', at: new Date(0) }),
    );

    const { deps, input, site } = await stores();
    const printed: string[] = [];
    const runner = createUploadRunner({ ...deps, site, print: (line) => printed.push(line) });
    const source: UploadSource = { via: 'inbox', bucket: 'local-inbox', input: () => input };
    const outcome = await runner.publish({ type: 'created', key }, source);

    expect(outcome.ok).toBe(true);
    expect(outcome.feedsTouched[0]).toBe('all');
    expect(outcome.feedsTouched.length).toBeGreaterThan(1);
    expect(outcome.pages).toEqual([1]);
    expect(printed).toEqual([outcome.line]);
    expect(outcome.line).toMatch(
      new RegExp(
        `^✓ ${key} → 2024-11-30; pages 1; \\d+ articles from this upload; \\d+ in the issue; feeds updated: all, `,
      ),
    );
    expect(runner.uploads).toEqual([outcome]);
    // Only the issue document is read back (for the issue-wide pages and article count).
    expect(site.counts()).toEqual({ ...alone.site.counts(), get: alone.site.counts().get + 1 });
    expect(site.counts().list).toBe(0);
  });

  it('prints a rejected upload with its code, and no feed', async () => {
    const { deps, input, site } = await stores('');
    const printed: string[] = [];
    const runner = createUploadRunner({ ...deps, site, print: (line) => printed.push(line) });
    const outcome = await runner.publish(
      { type: 'created', key },
      { via: 's3', bucket: 'ingest', input: () => input },
    );
    expect(outcome).toMatchObject({ ok: false, feedsTouched: [], report: { ok: false, code: 'empty' } });
    expect(printed).toEqual([`✗ ${key}: empty: ${outcome.report?.message} — feeds unchanged`]);
  });

  it('retries a failing build twice, then prints the failure', async () => {
    const { deps, site } = await stores();
    const printed: string[] = [];
    const runner = createUploadRunner({ ...deps, site, print: (line) => printed.push(line) });
    let attempts = 0;
    const outcome = await runner.publish(
      { type: 'created', key },
      {
        via: 's3',
        bucket: 'ingest',
        input: () => {
          attempts += 1;
          throw new Error('S3 endpoint not running');
        },
      },
    );
    expect(attempts).toBe(3);
    expect(outcome).toMatchObject({ ok: false, failure: 'S3 endpoint not running', feedsTouched: [] });
    expect(printed).toEqual([`✗ ${key}: not published, the build failed: S3 endpoint not running`]);
  });
});
