import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { fixedClock } from '../shared/clock.ts';
import { silentLog } from '../shared/log.ts';
import { rebuildSite } from '../shared/publish/rebuild-site.ts';
import { readSiteConfigRecord } from '../shared/publish/site-config-record.ts';
import { FsStore } from '../shared/storage/fs-store.ts';
import { MemoryStore } from '../shared/storage/memory-store.ts';
import type { PutOptions, Store } from '../shared/storage/store.ts';
import { yearOfPages } from '../test/support/year-of-pages.ts';
import type { BenchResult, Goal } from './goal.ts';
import { hugoAvailable, writeHugoProject } from './hugo-site.ts';
import { importPhotosBench } from './import-photos.ts';

/**
 * Issue 13: a year of pages in the sample's layout (365 days × 4 pages, 8,760 articles,
 * test/support/year-of-pages.ts), measured side by side in one run on real stores:
 * (a) Hugo rendering the same articles as home and per-section RSS (full text, no HTML);
 * (b) `npm run import` of the year into an empty filesystem store in a temporary folder;
 * (c) `npm run rebuild` of that unchanged site (filesystem store);
 * (d) the same rebuild against a counting S3-shaped store: requests per issue date, PUTs;
 * (e) a month imported with and without photos, against sharp's bare resize (import-photos.ts).
 * (a)–(c) run as separate processes (esbuild bundles for ours, as the Lambdas ship), timed by
 * wall clock, peak memory as the maximum resident set `/usr/bin/time` reports — threads
 * included (the import parses on worker threads).
 */

const bench = dirname(fileURLToPath(import.meta.url));
const root = join(bench, '..');

/** Wall time and peak resident memory of a command (GNU time for the peak, when installed). */
const measure = (command: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
  const timed = existsSync('/usr/bin/time');
  const started = performance.now();
  const run = spawnSync(
    timed ? '/usr/bin/time' : command,
    timed ? ['-f', '@@peak %M', command, ...args] : args,
    {
      encoding: 'utf8',
      env: { ...process.env, ...env },
      maxBuffer: 64 << 20,
    },
  );
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0 && run.status !== 1)
    throw new Error(`${command} failed (${run.status}): ${run.stderr.slice(-2000)}`);
  const peak = /@@peak (\d+)/.exec(run.stderr)?.[1];
  return { seconds, peakMb: peak === undefined ? Number.NaN : Number(peak) / 1024, stdout: run.stdout };
};

/** Files and bytes under a folder (sidecars counted apart: they are the filesystem store's metadata). */
const tally = async (dir: string) => {
  const result = { files: 0, bytes: 0, sidecars: 0 };
  const walk = async (folder: string, meta: boolean) => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path, meta || entry.name === '.meta');
      else if (meta) result.sidecars += 1;
      else {
        result.files += 1;
        result.bytes += (await stat(path)).size;
      }
    }
  };
  await walk(dir, false);
  return result;
};

/** S3's request shape: a LIST answers 1,000 keys; every GET, PUT, DELETE is one request. */
class S3ShapedStore implements Store {
  counts = { get: 0, put: 0, list: 0, delete: 0 };
  constructor(readonly inner: Store) {}
  get(key: string) {
    this.counts.get += 1;
    return this.inner.get(key);
  }
  put(key: string, body: Uint8Array | string, options: PutOptions) {
    this.counts.put += 1;
    return this.inner.put(key, body, options);
  }
  delete(key: string) {
    this.counts.delete += 1;
    return this.inner.delete(key);
  }
  async *list(prefix: string) {
    let n = 0;
    this.counts.list += 1;
    for await (const key of this.inner.list(prefix)) {
      if (n > 0 && n % 1000 === 0) this.counts.list += 1;
      n += 1;
      yield key;
    }
  }
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

export const run = async (): Promise<BenchResult> => {
  const tmp = await mkdtemp(join(tmpdir(), 'import-bench-'));
  const bundles = ['import-cli', 'import-worker', 'rebuild-cli'].map((name) =>
    join(bench, `${name}.bundled.mjs`),
  );
  try {
    const pagesDir = join(tmp, 'pages');
    let pageCount = 0;
    let pageBytes = 0;
    for (const { path, text } of yearOfPages()) {
      await mkdir(dirname(join(pagesDir, path)), { recursive: true });
      await writeFile(join(pagesDir, path), text);
      pageCount += 1;
      pageBytes += Buffer.byteLength(text);
    }
    await build({
      entryPoints: {
        'import-cli.bundled': join(root, 'scripts', 'import.ts'),
        'import-worker.bundled': join(root, 'scripts', 'lib', 'import-worker.ts'),
        'rebuild-cli.bundled': join(root, 'scripts', 'rebuild.ts'),
      },
      outdir: bench,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'warning',
    });
    const env = { SITE_URL: 'https://news.example.cn' };
    const dataDir = join(tmp, 'data');
    const siteDir = join(dataDir, 'site');
    const imported = measure(process.execPath, [bundles[0]!, '--data', dataDir, pagesDir], env);
    const importLine = imported.stdout.split('\n').find((line) => line.startsWith('imported')) ?? '';
    const ours = await tally(siteDir);
    const rebuilt = measure(process.execPath, [bundles[2]!, siteDir], env);
    const rebuildLine = rebuilt.stdout.split('\n').find((line) => line.startsWith('rebuilt')) ?? '';

    // The same rebuild against S3's request shape: the imported site copied into memory.
    const memory = new MemoryStore();
    const fsSite = new FsStore(siteDir);
    for await (const key of fsSite.list('')) {
      const found = (await fsSite.get(key))!;
      await memory.put(key, found.body, {
        contentType: found.contentType ?? '',
        cacheControl: found.cacheControl ?? '',
      });
    }
    const s3 = new S3ShapedStore(memory);
    const config = (await readSiteConfigRecord(memory))!;
    const s3Rebuild = await rebuildSite({
      site: s3,
      config,
      clock: fixedClock('2025-01-01T00:00:00Z'),
      log: silentLog,
    });
    const s3Requests = s3.counts.get + s3.counts.put + s3.counts.list + s3.counts.delete;
    const perDate = s3Requests / Math.max(1, s3Rebuild.dates);

    const lines = [
      `input: ${pageCount} pages (${mb(pageBytes)}) in the sample's layout, 365 dates, generated by test/support/year-of-pages.ts`,
      '| side | wall s | peak MB | articles | files | bytes |',
      '|---|---|---|---|---|---|',
    ];
    const goals: Goal[] = [];
    const month = await importPhotosBench(tmp, (pagesDir, monthData) => {
      const run = measure(process.execPath, [bundles[0]!, '--data', monthData, pagesDir], env);
      return { ...run, line: run.stdout.split('\n').find((l) => l.startsWith('imported')) ?? '' };
    });
    const articlesOf = /(\d+) articles/.exec(importLine)?.[1] ?? '?';
    let hugo: { seconds: number; peakMb: number } | undefined;
    if (hugoAvailable()) {
      const project = join(tmp, 'hugo');
      const hugoArticles = await writeHugoProject(siteDir, project);
      const args = ['--quiet', '--source', project, '--destination', join(project, 'public')];
      measure('hugo', args); // warm-up: Hugo's first run also fills the page cache with the content
      await rm(join(project, 'public'), { recursive: true, force: true });
      hugo = measure('hugo', args);
      const theirs = await tally(join(project, 'public'));
      lines.push(
        `| Hugo ${spawnSync('hugo', ['version'], { encoding: 'utf8' }).stdout.split(' ')[1] ?? ''} (home + per-section RSS, full text) | ${hugo.seconds.toFixed(2)} | ${hugo.peakMb.toFixed(0)} | ${hugoArticles} | ${theirs.files} | ${mb(theirs.bytes)} |`,
      );
    } else {
      lines.push(
        'WARNING: hugo is not installed (apt-get install hugo): the Hugo side and its goals are skipped',
      );
    }
    lines.push(
      `| import into an empty filesystem store | ${imported.seconds.toFixed(2)} | ${imported.peakMb.toFixed(0)} | ${articlesOf} | ${ours.files} (+${ours.sidecars} metadata sidecars) | ${mb(ours.bytes)} |`,
      `| rebuild of that unchanged site | ${rebuilt.seconds.toFixed(2)} | ${rebuilt.peakMb.toFixed(0)} | ${s3Rebuild.articles} | 0 written | 0 |`,
      `we write RSS, Atom and JSON Feed for every feed and every RFC 5005 archive (one per date), an article record per article, issue documents, state and reports; Hugo writes one RSS per section and home`,
      `import: ${importLine}`,
      `rebuild: ${rebuildLine}`,
      ...month.lines,
      `rebuild against a counting S3-shaped store (1 LIST per 1,000 keys): GET ${s3.counts.get} · PUT ${s3.counts.put} · LIST ${s3.counts.list} · DELETE ${s3.counts.delete} for ${s3Rebuild.dates} dates = ${perDate.toFixed(2)} requests per date`,
    );
    if (hugo !== undefined) {
      goals.push(
        { name: 'import-vs-hugo', measured: imported.seconds / hugo.seconds, op: '<=', target: 5 },
        { name: 'import-peak-memory-vs-hugo', measured: imported.peakMb / hugo.peakMb, op: '<=', target: 1 },
        { name: 'rebuild-vs-hugo', measured: rebuilt.seconds / hugo.seconds, op: '<=', target: 3 },
      );
    }
    goals.push(
      { name: 'rebuild-s3-requests-per-date', measured: perDate, op: '<=', target: 3 },
      { name: 'rebuild-s3-puts', measured: s3.counts.put, op: '==', target: 0 },
      ...month.goals,
    );
    return {
      title: 'Back catalogue: a year of pages imported and rebuilt, side by side with Hugo',
      lines,
      goals,
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
    for (const bundle of bundles) await rm(bundle, { force: true });
  }
};
