import { readFileSync } from 'node:fs';
import { fixedClock } from '../../shared/clock.ts';
import { parseSiteConfig } from '../../shared/config.ts';
import { silentLog } from '../../shared/log.ts';
import type { PublishedIssue } from '../../shared/model/published.ts';
import { parseJsonBytes } from '../../shared/publish/canonical-json.ts';
import type { PublishDeps } from '../../shared/publish/publish-upload.ts';
import type { RetryPolicy } from '../../shared/publish/store-io.ts';
import { issueKey } from '../../shared/site-layout.ts';
import { MemoryStore } from '../../shared/storage/memory-store.ts';
import type { Store } from '../../shared/storage/store.ts';

/** Shared set-up of the publishing tests (not a test file itself). */

export const config = parseSiteConfig({ siteUrl: 'https://news.example.cn' });

/** Later than the issues' 05:00 publication time, so the cap to the build clock never applies. */
export const afterPublication = '2024-12-01T02:00:00Z';

/** Retries without real sleeps: tests exercise the races, not the clock. */
export const quickRetry: RetryPolicy = {
  attempts: 60,
  pause: () => new Promise((resolve) => setImmediate(resolve)),
};

export const fixture = (page: '01' | '02' | '04') =>
  readFileSync(new URL(`../fixtures/quzhou-daily-2024-11-30-page${page}.txt`, import.meta.url));

export const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

export const makeDeps = (
  overrides: Partial<PublishDeps> = {},
): PublishDeps & { input: Store; site: Store } => ({
  input: new MemoryStore(),
  site: new MemoryStore(),
  clock: fixedClock(afterPublication),
  log: silentLog,
  config,
  retry: quickRetry,
  ...overrides,
});

export const upload = async (store: Store, key: string, body: Uint8Array | string) => {
  await store.put(key, body, { contentType: 'application/octet-stream', cacheControl: 'no-store' });
};

export const readIssue = async (site: Store, date: string): Promise<PublishedIssue | undefined> => {
  const found = await site.get(issueKey(date));
  return found === undefined ? undefined : parseJsonBytes<PublishedIssue>(found.body);
};

/**
 * Every object of a store: key → body text + metadata, to compare whole sites. Hash records
 * (`state/hashes/`, bookkeeping a rebuild keeps and a publish deletes) are left out.
 */
export const snapshot = async (store: Store) => {
  const result: Record<string, { body: string; contentType?: string; cacheControl?: string }> = {};
  for await (const key of store.list('')) {
    if (key.startsWith('state/hashes/')) continue;
    const object = await store.get(key);
    if (object === undefined) continue;
    result[key] = {
      body: text(object.body),
      contentType: object.contentType,
      cacheControl: object.cacheControl,
    };
  }
  return result;
};

/** Site snapshot without the reports (they carry the time of each delivery's outcome). */
export const siteWithoutReports = async (store: Store) => {
  const all = await snapshot(store);
  return Object.fromEntries(Object.entries(all).filter(([key]) => !key.startsWith('reports/')));
};
