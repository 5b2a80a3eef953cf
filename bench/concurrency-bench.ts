import { countingRetry, type PublishTally } from '../functions/build-feeds/publish-metrics.ts';
import { parseSiteConfig } from '../shared/config.ts';
import { silentLog } from '../shared/log.ts';
import { publishUpload } from '../shared/publish/publish-upload.ts';
import { defaultRetryPolicy } from '../shared/publish/store-io.ts';
import { MemoryStore } from '../shared/storage/memory-store.ts';
import type { GetOptions, PutOptions, Store } from '../shared/storage/store.ts';
import { CountingStore } from '../test/support/instrumented-store.ts';
import {
  datesFrom,
  issuePages,
  jsonUpload,
  populateArchive,
  seededRandom,
  syntheticIssue,
} from '../test/support/synthetic-issues.ts';
import { type BenchResult, median } from './goal.ts';

/**
 * The concurrency model, measured (issue 14 item 1): an eight-page burst — the eight page uploads
 * of one issue arriving together — published into a store holding one full window of earlier
 * issues, each store request answering after a seeded 20–60 ms (S3-like), two ways:
 *
 * - concurrent: eight `publishUpload` calls at once (today: S3 invokes the function per upload);
 * - serialized: one after another (a single writer: reserved concurrency 1, or a FIFO queue).
 *
 * Both use the production retry policy (its jittered back-off is part of the concurrent cost).
 * Each rep starts from the same store; the end states of the two are compared byte for byte.
 * Then the serialized figure is run through Lambda's documented throttle back-off, which is what a
 * single writer by reserved concurrency 1 would actually wait (docs/publishing.md, the end).
 * No goal applies: this is a decision's evidence, not a target.
 */

const config = parseSiteConfig({ siteUrl: 'https://news.example.cn' });
const latency = { minMs: 20, maxMs: 60 };
const pages = 8;
const reps = 3;
const archiveStart = '2024-01-01';
const windowDays = config.windowIssues + 1;

/** A store whose requests take a seeded S3-like time; the request takes effect half-way. */
class LatencyStore implements Store {
  readonly #random: () => number;
  constructor(
    readonly inner: Store,
    seed: number,
  ) {
    this.#random = seededRandom(seed);
  }
  #half() {
    const ms = (latency.minMs + this.#random() * (latency.maxMs - latency.minMs)) / 2;
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
  async #request<T>(run: () => Promise<T>): Promise<T> {
    await this.#half();
    try {
      return await run();
    } finally {
      await this.#half();
    }
  }
  get(key: string, options?: GetOptions) {
    return this.#request(() => this.inner.get(key, options));
  }
  put(key: string, body: Uint8Array | string, options: PutOptions) {
    return this.#request(() => this.inner.put(key, body, options));
  }
  delete(key: string) {
    return this.#request(() => this.inner.delete(key));
  }
  list(prefix: string) {
    return this.inner.list(prefix);
  }
}

const dates = datesFrom(archiveStart, windowDays + 1);
const date = dates[windowDays]!;
const uploads = Array.from({ length: pages }, (_, i) =>
  jsonUpload(issuePages(syntheticIssue(date), [i + 1]), String(i + 1).padStart(2, '0')),
);

/** A store ending the day before the burst: one full window of earlier issues. */
const startingSite = async () => {
  const site = new MemoryStore();
  await populateArchive(site, { config, start: archiveStart, days: windowDays, paragraphsPerArticle: 2 });
  return site;
};

const inputStore = async () => {
  const input = new MemoryStore();
  for (const upload of uploads)
    await input.put(upload.key, upload.bytes, { contentType: 'application/json', cacheControl: 'no-store' });
  return input;
};

interface BurstRun {
  ms: number;
  /** Milliseconds from the burst's start until each upload's publish returned, in order of finishing. */
  finished: number[];
  requests: number;
  retries: number;
  site: MemoryStore;
}

const burst = async (mode: 'concurrent' | 'serialized', seed: number): Promise<BurstRun> => {
  const inner = await startingSite();
  const site = new CountingStore(new LatencyStore(inner, seed));
  const input = new LatencyStore(await inputStore(), seed + 1000);
  const tally: PublishTally = { retries: 0, feedBytes: 0 };
  const deps = {
    input,
    site,
    clock: () => new Date(Date.parse(`${date}T12:00:00+08:00`)),
    log: silentLog,
    config,
    retry: countingRetry(defaultRetryPolicy, tally),
  };
  const finished: number[] = [];
  const started = performance.now();
  const publish = async (key: string) => {
    const outcome = await publishUpload(deps, { type: 'created', key });
    if (outcome.status !== 'published') throw new Error(`bench publish of ${key} ended ${outcome.status}`);
    finished.push(performance.now() - started);
  };
  if (mode === 'concurrent') await Promise.all(uploads.map((u) => publish(u.key)));
  else for (const upload of uploads) await publish(upload.key);
  const c = site.counts();
  return {
    ms: performance.now() - started,
    finished,
    requests: c.get + c.put + c.list + c.delete,
    retries: tally.retries,
    site: inner,
  };
};

const sameSite = async (a: Store, b: Store) => {
  const keys = async (s: Store) => {
    const all: string[] = [];
    for await (const key of s.list('')) all.push(key);
    return all;
  };
  const [ka, kb] = [await keys(a), await keys(b)];
  if (ka.join('\n') !== kb.join('\n')) return false;
  for (const key of ka) {
    const [x, y] = [await a.get(key), await b.get(key)];
    if (Buffer.compare(Buffer.from(x!.body), Buffer.from(y!.body)) !== 0) return false;
  }
  return true;
};

/**
 * Reserved concurrency 1 under asynchronous invocation: every event finding the one instance busy
 * is throttled and goes back to Lambda's queue, retried after 1 s, then twice as long each time,
 * up to 5 minutes (Lambda developer guide, "How Lambda handles errors and retries with
 * asynchronous invocation"; the exact intervals are not published, this takes them literally).
 * Returns when the last of `events` (all arriving at 0) finished, each taking `serviceMs`.
 */
const throttledCompletionMs = (events: number, serviceMs: number) => {
  const maxBackoffMs = 300_000;
  let freeAt = 0;
  const pending = Array.from({ length: events }, () => ({ at: 0, backoff: 1000 }));
  let last = 0;
  while (pending.length > 0) {
    pending.sort((a, b) => a.at - b.at);
    const next = pending[0]!;
    if (next.at >= freeAt) {
      pending.shift();
      freeAt = next.at + serviceMs;
      last = freeAt;
    } else {
      next.at += next.backoff;
      next.backoff = Math.min(next.backoff * 2, maxBackoffMs);
    }
  }
  return last;
};

const seconds = (ms: number) => (ms / 1000).toFixed(2);

export const run = async (): Promise<BenchResult> => {
  const concurrent: BurstRun[] = [];
  const serialized: BurstRun[] = [];
  let identical = true;
  // Warm-up (JIT) at a small cost, then interleave so machine noise hits both sides alike.
  await burst('serialized', 99);
  for (let rep = 1; rep <= reps; rep += 1) {
    const c = await burst('concurrent', rep);
    const s = await burst('serialized', rep);
    identical &&= await sameSite(c.site, s.site);
    concurrent.push(c);
    serialized.push(s);
  }
  const med = (runs: BurstRun[], pick: (r: BurstRun) => number) => median(runs.map(pick));
  const cMs = med(concurrent, (r) => r.ms);
  const sMs = med(serialized, (r) => r.ms);
  const perUpload = sMs / pages;
  const firstC = med(concurrent, (r) => r.finished[0]!);
  const firstS = med(serialized, (r) => r.finished[0]!);
  const throttled = throttledCompletionMs(pages, perUpload);
  const row = (name: string, runs: BurstRun[], ms: number, first: number) =>
    `| ${name} | ${seconds(ms)} | ${seconds(first)} | ${med(runs, (r) => r.requests)} | ${med(runs, (r) => r.retries)} |`;
  return {
    title: `Concurrency model: an ${pages}-page burst, ${latency.minMs}–${latency.maxMs} ms per request, concurrent vs serialized`,
    lines: [
      `store: one full window (${windowDays} daily issues) before the burst; ${pages} single-page uploads of ${date}; median of ${reps} interleaved reps, seeded latency`,
      '| writers | burst s (last page live) | first page live s | requests | retries (lost writes + settle passes) |',
      '|---|---|---|---|---|',
      row('concurrent (8 at once, today)', concurrent, cMs, firstC),
      row('serialized (single writer)', serialized, sMs, firstS),
      `serialized / concurrent burst time: ${(sMs / cMs).toFixed(2)}; requests ${(med(serialized, (r) => r.requests) / med(concurrent, (r) => r.requests)).toFixed(2)}`,
      `end states of the two byte-identical in every rep: ${identical ? 'yes' : 'NO'}`,
      `model — reserved concurrency 1 with S3's asynchronous invocations (throttled events retried after 1 s, doubling, ≤ 5 min), ${seconds(perUpload)} s per upload: last page live after ${seconds(throttled)} s (${(throttled / cMs).toFixed(1)} × concurrent)`,
    ],
    goals: [],
  };
};
