import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseSiteConfig } from '../shared/config.ts';
import { silentLog } from '../shared/log.ts';
import { publishUpload } from '../shared/publish/publish-upload.ts';
import { MemoryStore } from '../shared/storage/memory-store.ts';
import type { PutOptions, Store } from '../shared/storage/store.ts';
import { CountingStore, type RequestCounts } from '../test/support/instrumented-store.ts';
import { type BenchResult, median } from './goal.ts';
import { datesFrom, jsonUpload, populateArchive, syntheticIssue } from './synthetic-issues.ts';

/**
 * Publishing benchmarks (issue 4 item 8):
 * (a) one 8-page, 40-article issue published into an empty store and into a store holding ten
 *     years of daily issues (MemoryStore behind a CountingStore): time (median of interleaved
 *     runs) and requests by kind;
 * (b) peak memory of that publish, in a child process (--expose-gc);
 * (c) rebuild throughput and peak memory on a synthetic archive (child process).
 */

const config = parseSiteConfig({ siteUrl: 'https://news.example.cn' });
const archiveYears = 10;
const archiveDays = Math.round(archiveYears * 365.25);
const archiveStart = '2014-01-01';
/** Archive issues are smaller than the published one: they only have to exist and be read. */
const archiveShape = { pages: 8, articlesPerPage: 5, paragraphsPerArticle: 2, charsPerParagraph: 60 };
/** The published issue: 8 pages × 5 articles of four ~180-character paragraphs. */
const issueShape = { pages: 8, articlesPerPage: 5 };
const reps = 7;
const rebuildYears = 10;

/** A store that answers after a delay, like a remote one. */
class DelayedStore implements Store {
  constructor(
    readonly inner: Store,
    readonly ms: number,
  ) {}
  #wait() {
    return new Promise((resolve) => setTimeout(resolve, this.ms));
  }
  async get(key: string) {
    await this.#wait();
    return this.inner.get(key);
  }
  async put(key: string, body: Uint8Array | string, options: PutOptions) {
    await this.#wait();
    return this.inner.put(key, body, options);
  }
  async delete(key: string) {
    await this.#wait();
    return this.inner.delete(key);
  }
  list(prefix: string) {
    return this.inner.list(prefix);
  }
}

const total = (c: RequestCounts) => c.get + c.put + c.list + c.delete;
const kinds = (c: RequestCounts) => `GET ${c.get} · PUT ${c.put} · LIST ${c.list} · DELETE ${c.delete}`;

const publishInto = async (site: CountingStore, date: string) => {
  const input = new MemoryStore();
  const upload = jsonUpload(syntheticIssue(date, issueShape));
  await input.put(upload.key, upload.bytes, { contentType: 'application/json', cacheControl: 'no-store' });
  const clock = () => new Date(Date.parse(`${date}T12:00:00+08:00`));
  site.reset();
  const started = performance.now();
  const outcome = await publishUpload(
    { input, site, clock, log: silentLog, config },
    { type: 'created', key: upload.key },
  );
  const ms = performance.now() - started;
  if (outcome.status !== 'published') throw new Error(`bench publish ended ${outcome.status}`);
  return { ms, counts: site.counts() };
};

const child = (mode: 'publish' | 'rebuild', years: number) => {
  const script = fileURLToPath(new URL('./publish-memory-child.ts', import.meta.url));
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, mode, String(years)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (run.status !== 0) throw new Error(`memory child failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as {
    peakMb: number;
    articles?: number;
    perSecond?: number;
  };
};

export const run = async (): Promise<BenchResult> => {
  const populateStarted = performance.now();
  const archive = new CountingStore(new MemoryStore());
  const { articles } = await populateArchive(archive.inner, {
    ...archiveShape,
    config,
    start: archiveStart,
    days: archiveDays,
  });
  const populateSeconds = (performance.now() - populateStarted) / 1000;
  const newDates = datesFrom(archiveStart, archiveDays + 1).slice(archiveDays);
  // A store holding one full window (windowIssues + 1 days, the newest just before the new
  // issue): what every publish after the first week sees. Against it the 10-year store shows
  // what the archive itself costs, separate from the window filling up.
  const windowDays = config.windowIssues + 1;
  const windowStart = datesFrom(archiveStart, archiveDays + 1 - windowDays)[archiveDays - windowDays]!;

  const empty: Array<{ ms: number; counts: RequestCounts }> = [];
  const full: Array<{ ms: number; counts: RequestCounts }> = [];
  const week: Array<{ ms: number; counts: RequestCounts }> = [];
  const weekStore = async () => {
    const store = new CountingStore(new MemoryStore());
    await populateArchive(store.inner, { ...archiveShape, config, start: windowStart, days: windowDays });
    return store;
  };
  // Every rep publishes the same issue into the same state: the keys a publish writes are learnt
  // on a throwaway store, and the 10-year store is put back to its original objects after each
  // rep (otherwise its window would fill with the bench's full-size issues, rep after rep).
  const date = newDates[0]!;
  const probe = await weekStore();
  await publishInto(probe, date);
  const touched = [...new Set(probe.putKeys)];
  const originals = new Map(
    await Promise.all(touched.map(async (k) => [k, await archive.inner.get(k)] as const)),
  );
  const restore = async (writer: CountingStore = archive) => {
    for (const key of new Set([...touched, ...writer.putKeys])) {
      const original = originals.get(key);
      if (original === undefined) await archive.inner.delete(key);
      else {
        await archive.inner.put(key, original.body, {
          contentType: original.contentType ?? '',
          cacheControl: original.cacheControl ?? '',
        });
      }
    }
  };
  // Warm-up (JIT), then interleave so machine noise hits all sides alike.
  await publishInto(new CountingStore(new MemoryStore()), date);
  await publishInto(archive, date);
  await restore();
  for (let i = 1; i <= reps; i += 1) {
    empty.push(await publishInto(new CountingStore(new MemoryStore()), date));
    full.push(await publishInto(archive, date));
    await restore();
    week.push(await publishInto(await weekStore(), date));
  }
  const weekMs = median(week.map((r) => r.ms));
  const emptyMs = median(empty.map((r) => r.ms));
  const fullMs = median(full.map((r) => r.ms));
  const emptyCounts = empty[0]!.counts;
  const fullCounts = full[0]!.counts;
  const countsStable = [...empty, ...full].every(
    (r) => total(r.counts) === total(r === empty[0] || empty.includes(r) ? emptyCounts : fullCounts),
  );

  // With request latency (S3 answers in 10–30 ms; 3 ms here to keep the bench short) the
  // publish is dominated by requests, which are the same in number for every store.
  const slow = { latencyMs: 3, reps: 3 };
  const slowEmpty: number[] = [];
  const slowFull: number[] = [];
  for (let i = 0; i < slow.reps; i += 1) {
    slowEmpty.push(
      (await publishInto(new CountingStore(new DelayedStore(new MemoryStore(), slow.latencyMs)), date)).ms,
    );
    const slowArchive = new CountingStore(new DelayedStore(archive.inner, slow.latencyMs));
    slowFull.push((await publishInto(slowArchive, date)).ms);
    await restore(slowArchive);
  }

  const publishMemory = child('publish', archiveYears);
  const rebuild = child('rebuild', rebuildYears);

  return {
    title: 'Publishing: one 8-page issue, empty store vs 10-year store; rebuild',
    lines: [
      `archive: ${archiveDays} daily issues, ${articles} articles (records, issue and state documents), built in ${populateSeconds.toFixed(1)} s`,
      '| store | median ms | requests | by kind |',
      '|---|---|---|---|',
      `| empty | ${emptyMs.toFixed(1)} | ${total(emptyCounts)} | ${kinds(emptyCounts)} |`,
      `| ${archiveYears} years | ${fullMs.toFixed(1)} | ${total(fullCounts)} | ${kinds(fullCounts)} |`,
      `| one window (${windowDays} days) | ${weekMs.toFixed(1)} | ${total(week[0]!.counts)} | ${kinds(week[0]!.counts)} |`,
      `request counts identical in every rep: ${countsStable ? 'yes' : 'NO'}`,
      `time ratio 10 years / one window: ${(fullMs / weekMs).toFixed(2)} — the archive adds nothing; the empty-store ratio measures the window filling (1 issue rendered into each feed vs ${config.windowIssues}), not the archive`,
      `with ${slow.latencyMs} ms per request (median of ${slow.reps}): empty ${median(slowEmpty).toFixed(0)} ms, ${archiveYears} years ${median(slowFull).toFixed(0)} ms, ratio ${(median(slowFull) / median(slowEmpty)).toFixed(2)} — on S3 the equal request counts dominate`,
      `publish peak memory above a collected baseline (V8 heap + ArrayBuffers, sampled at every store request), ${archiveYears}-year store: ${publishMemory.peakMb.toFixed(1)} MB`,
      `rebuild of ${rebuildYears} years (${rebuild.articles} articles; feed and record writes go to a counting sink so the archive fits in memory): ${Math.round(rebuild.perSecond ?? 0)} articles/s, peak ${rebuild.peakMb.toFixed(1)} MB above baseline — streaming keeps memory independent of the number of years`,
    ],
    goals: [
      { name: 'publish-time-ratio', measured: fullMs / emptyMs, op: '<=', target: 1.2 },
      { name: 'publish-time-ratio-vs-window', measured: fullMs / weekMs, op: '<=', target: 1.2 },
      {
        name: 'publish-request-diff',
        measured: Math.abs(total(fullCounts) - total(emptyCounts)),
        op: '==',
        target: 0,
      },
      { name: 'publish-list-requests', measured: fullCounts.list + emptyCounts.list, op: '==', target: 0 },
      { name: 'publish-peak-mb', measured: publishMemory.peakMb, op: '<=', target: 128, unit: 'MB' },
      {
        name: 'rebuild-articles-per-s',
        measured: Math.round(rebuild.perSecond ?? 0),
        op: '>=',
        target: 2000,
      },
      { name: 'rebuild-peak-mb', measured: rebuild.peakMb, op: '<=', target: 256, unit: 'MB' },
    ],
  };
};
