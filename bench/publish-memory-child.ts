import { parseSiteConfig } from '../shared/config.ts';
import { silentLog } from '../shared/log.ts';
import { publishUpload } from '../shared/publish/publish-upload.ts';
import { rebuildSite } from '../shared/publish/rebuild-site.ts';
import { sitePrefixes } from '../shared/site-layout.ts';
import { MemoryStore } from '../shared/storage/memory-store.ts';
import type { PutOptions, Store, StoredObject } from '../shared/storage/store.ts';
import { datesFrom, jsonUpload, populateArchive, syntheticIssue } from '../test/support/synthetic-issues.ts';

/**
 * Child process of bench/publish-bench.ts (run with --expose-gc): builds a store, collects
 * garbage, then measures the peak memory of ONE publish (or one rebuild) above that baseline.
 * Memory = V8 heap used + ArrayBuffers (object bodies live there), sampled at every store
 * request — publishing awaits a request between every step, so the peak between two requests is
 * still alive at the next one. Prints one JSON line.
 *
 * argv: publish <years> | rebuild <years>
 */

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

const used = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** Samples memory at every request; optionally drops feed and record writes (rebuild bench). */
export class SamplingStore implements Store {
  peak = 0;
  constructor(
    readonly inner: Store,
    readonly discard: (key: string) => boolean = () => false,
  ) {}
  #sample() {
    const now = used();
    if (now > this.peak) this.peak = now;
  }
  async get(key: string): Promise<StoredObject | undefined> {
    this.#sample();
    return this.discard(key) ? undefined : this.inner.get(key);
  }
  async put(key: string, body: Uint8Array | string, options: PutOptions) {
    this.#sample();
    if (this.discard(key)) return { etag: '"discarded"' };
    return this.inner.put(key, body, options);
  }
  async delete(key: string) {
    this.#sample();
    return this.inner.delete(key);
  }
  list(prefix: string) {
    this.#sample();
    return this.inner.list(prefix);
  }
}

const [mode = 'publish', yearsText = '10'] = process.argv.slice(2);
const years = Number(yearsText);
const config = parseSiteConfig({ siteUrl: 'https://news.example.cn' });
const days = Math.round(years * 365.25);
const archive = { pages: 8, articlesPerPage: 5, paragraphsPerArticle: 2, charsPerParagraph: 60 };
const inner = new MemoryStore();
await populateArchive(inner, { ...archive, config, start: '2014-01-01', days, records: mode === 'publish' });
const next = datesFrom('2014-01-01', days + 1)[days]!;

gc();
gc();
const baseline = used();
let result: Record<string, number>;
if (mode === 'publish') {
  const site = new SamplingStore(inner);
  const input = new MemoryStore();
  const upload = jsonUpload(syntheticIssue(next, { pages: 8, articlesPerPage: 5 }));
  await input.put(upload.key, upload.bytes, { contentType: 'application/json', cacheControl: 'no-store' });
  const clock = () => new Date(Date.parse(`${next}T12:00:00+08:00`));
  await publishUpload({ input, site, clock, log: silentLog, config }, { type: 'created', key: upload.key });
  result = { peakMb: (site.peak - baseline) / 2 ** 20, days };
} else {
  const site = new SamplingStore(
    inner,
    (key) => key.startsWith(sitePrefixes.feeds) || key.startsWith(sitePrefixes.articles),
  );
  const started = performance.now();
  const summary = await rebuildSite({ site, config, clock: () => new Date(), log: silentLog });
  const seconds = (performance.now() - started) / 1000;
  result = {
    peakMb: (site.peak - baseline) / 2 ** 20,
    days,
    articles: summary.articles,
    perSecond: summary.articles / seconds,
  };
}
process.stdout.write(`${JSON.stringify(result)}\n`);
