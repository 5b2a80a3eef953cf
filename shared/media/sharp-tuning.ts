import type SharpModule from 'sharp';

export type Sharp = typeof SharpModule;

/**
 * libvips settings for a build function that sees each picture once (measured in
 * bench/photo-bench.ts; reasons in docs/photos.md):
 *
 * - `cache: false` — libvips keeps recent operations (by default up to 50 MB, 100 items) to
 *   reuse them when the same picture is processed again. A publish never processes the same
 *   bytes twice, so the cache only holds memory a Lambda pays for.
 * - `concurrency: 1` — threads per picture. Lambda below 1769 MB has less than one vCPU,
 *   although the OS shows two, and with glibc's allocator (Amazon Linux, Debian) every extra
 *   libvips thread grows the process by a malloc arena that is never given back; sharp itself
 *   drops to 1 when it detects glibc. One thread keeps peak memory flat and costs little time
 *   because a photo is decoded once at reduced size (JPEG shrink-on-load).
 *
 * These are process-wide switches of the library, set once at the first use.
 */
const lambdaSharpSettings = { cache: false, concurrency: 1 } as const;

let loading: Promise<Sharp> | undefined;

/**
 * sharp, loaded at its first use with {@link lambdaSharpSettings} applied (once per process).
 * Loaded dynamically on purpose: bundled into the build function (sharp stays external there),
 * a static import would load libvips at cold start for every text publish, and the bundle could
 * no longer be loaded on a machine without the Lambda's linux-arm64 binary (test/infra/synth).
 */
export const loadSharp = (): Promise<Sharp> => {
  loading ??= import('sharp').then(({ default: sharp }) => {
    sharp.cache(lambdaSharpSettings.cache);
    sharp.concurrency(lambdaSharpSettings.concurrency);
    return sharp;
  });
  return loading;
};
