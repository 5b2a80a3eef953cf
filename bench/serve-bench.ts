import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { build } from 'esbuild';
import { createHandler, requestFromEvent, resultFromResponse } from '../functions/serve-article/handler.ts';
import { fixedClock } from '../shared/clock.ts';
import { parseSiteConfig } from '../shared/config.ts';
import { sectionSlug } from '../shared/feeds/feed-spec.ts';
import { silentLog } from '../shared/log.ts';
import type { ArticleRecord, PublishedArticle } from '../shared/model/published.ts';
import { readPageText } from '../shared/readers/page-text-reader.ts';
import { RenderCache } from '../shared/serve/render-cache.ts';
import { articleKey, sitePrefixes } from '../shared/site-layout.ts';
import { MemoryStore } from '../shared/storage/memory-store.ts';
import { populateArchive, seededRandom } from '../test/support/synthetic-issues.ts';
import { type BenchResult, median, percentile } from './goal.ts';

/**
 * Permalink serving. (1) Warm throughput of the Lambda handler on the memory store (event →
 * Request → one read → parse → render → Response → result) against a handler that does the same
 * event/result conversion but returns a fixed pre-rendered page of the same size: the ratio is
 * what routing, the read, rendering and validators cost. Interleaved rounds, so machine noise
 * hits both. (2) The function bundled as for Lambda (esbuild, ESM, minified, client-s3 bundled)
 * beside a handler that only imports the S3 client, bundled the same way: sizes, and the median
 * time to import each in a fresh `node` process.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const config = parseSiteConfig({ siteUrl: 'https://news.example.cn' });

/** The sample's lead article as publishing stores it. */
const sampleRecord = (): ArticleRecord => {
  const text = readFileSync(join(root, 'test/fixtures/quzhou-daily-2024-11-30-page01.txt'), 'utf8');
  const issue = readPageText(text, { date: '2024-11-30', page: 1 });
  const page = issue.pages[0]!;
  const { photos: _refs, ...source } = page.articles.find(
    (a) => a.dateline !== undefined && a.paragraphs.length > 3,
  )!;
  const article: PublishedArticle = {
    ...source,
    order: 1,
    published: '2024-11-30T04:59:59+08:00',
    updated: '2024-11-30T04:59:59+08:00',
    contentHash: 'bench',
    status: 'published',
  };
  return {
    schemaVersion: 1,
    date: issue.date,
    paper: issue.paper,
    issue: { weekday: '星期六', number: 13355, pageCount: 4 },
    page: {
      number: 1,
      section: page.section,
      sectionSlug: sectionSlug(page.section, config),
      editor: '林俊',
    },
    article,
  };
};

const functionUrlEvent = (rawPath: string): LambdaFunctionURLEvent =>
  ({
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: '',
    headers: {
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      'accept-encoding': 'gzip, deflate, br',
      host: 'bench.lambda-url.ap-east-1.on.aws',
      'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X)',
      'x-forwarded-proto': 'https',
    },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'bench',
      domainName: 'bench.lambda-url.ap-east-1.on.aws',
      domainPrefix: 'bench',
      http: {
        method: 'GET',
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.27',
        userAgent: 'bench',
      },
      requestId: 'bench',
      routeKey: '$default',
      stage: '$default',
      time: '30/Nov/2024:02:15:31 +0000',
      timeEpoch: 1732932931000,
    },
    isBase64Encoded: false,
  }) as LambdaFunctionURLEvent;

type Handler = (event: LambdaFunctionURLEvent) => Promise<{ statusCode?: number; body?: string }>;

/** `calls` requests, cycling through `events` (a request sequence); latencies pushed to `into`. */
const timeCalls = async (
  handler: Handler,
  events: readonly LambdaFunctionURLEvent[],
  calls: number,
  into: number[],
) => {
  const start = performance.now();
  for (let i = 0; i < calls; i += 1) {
    const t = performance.now();
    const result = await handler(events[i % events.length]!);
    into.push(performance.now() - t);
    if (result.statusCode !== 200) throw new Error(`bench handler answered ${result.statusCode}`);
  }
  return performance.now() - start;
};

interface Workload {
  handler: Handler;
  events: readonly LambdaFunctionURLEvent[];
}

interface Stats {
  rps: number;
  p50: number;
  p99: number;
}

/**
 * Warm every workload, then interleave rounds of each (rotating which goes first, so none always
 * runs on a warmer or cooler machine); throughput is calls over the summed time of its rounds.
 */
const measure = async <Name extends string>(
  workloads: Record<Name, Workload>,
  rounds: number,
  perRound: number,
): Promise<Record<Name, Stats>> => {
  const names = Object.keys(workloads) as Name[];
  for (const name of names) await timeCalls(workloads[name].handler, workloads[name].events, perRound, []);
  const latency = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<Name, number[]>;
  const totalMs = Object.fromEntries(names.map((n) => [n, 0])) as Record<Name, number>;
  for (let round = 0; round < rounds; round += 1) {
    for (let i = 0; i < names.length; i += 1) {
      const name = names[(round + i) % names.length]!;
      const { handler, events } = workloads[name];
      // Each round continues the sequence where the last stopped, so every event gets its turn.
      const offset = (round * perRound) % events.length;
      const rotated = offset === 0 ? events : [...events.slice(offset), ...events.slice(0, offset)];
      totalMs[name] += await timeCalls(handler, rotated, perRound, latency[name]);
    }
  }
  const calls = rounds * perRound;
  return Object.fromEntries(
    names.map((name) => [
      name,
      {
        rps: (calls / totalMs[name]) * 1000,
        p50: percentile(latency[name], 50),
        p99: percentile(latency[name], 99),
      },
    ]),
  ) as Record<Name, Stats>;
};

const benchClock = fixedClock('2024-12-05T10:00:00+08:00');

/** A handler doing the same event/result conversion as the real one, answering a fixed page. */
const fixedPageHandler = (body: string, headers: Record<string, string>): Handler => {
  return async (e) => {
    requestFromEvent(e);
    return resultFromResponse(new Response(body, { status: 200, headers }), 'GET');
  };
};

/** (1) One article requested over and over: the goal line (warm handler, as deployed). */
const singleArticle = async () => {
  const record = sampleRecord();
  const site = new MemoryStore();
  await site.put(articleKey(record.date, record.article.id), JSON.stringify(record), {
    contentType: 'application/json',
    cacheControl: 'no-cache',
  });
  const events = [functionUrlEvent(`/articles/${record.date}/${record.article.id}`)];
  const deps = { site, config, clock: benchClock, log: silentLog };
  // As deployed: a warm instance keeps rendered pages (still one storage read per request).
  const real = createHandler({ ...deps, cache: new RenderCache() });
  // Context: every request parses and renders.
  const uncached = createHandler(deps);
  const reference = await real(events[0]!);
  const fixedBody = reference.body!;
  // Same adapters both ways; the fixed handler skips routing, the read, parsing and rendering.
  const fixed = fixedPageHandler(fixedBody, { ...(reference.headers as Record<string, string>) });
  const stats = await measure(
    {
      real: { handler: real, events },
      uncached: { handler: uncached, events },
      fixed: { handler: fixed, events },
    },
    10,
    500,
  );
  return { pageBytes: Buffer.byteLength(fixedBody), ...stats };
};

/** Issues and articles of the mix: a week of the synthetic paper (8 pages × 5 articles a day). */
const mixIssues = 7;
const mixArticlesPerPage = 5;

/**
 * Zipf (s = 1) over `n` ranks: rank r is requested in proportion to 1/r — a few articles take
 * most reads, the long tail is still requested. Deterministic for the seed.
 */
const zipfSequence = (n: number, length: number, random: () => number) => {
  const cumulative: number[] = [];
  let total = 0;
  for (let rank = 1; rank <= n; rank += 1) {
    total += 1 / rank;
    cumulative.push(total);
  }
  return Array.from({ length }, () => {
    const target = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  });
};

/**
 * (2) Distinct articles, as real traffic asks for them: a week's 280 articles requested
 * round-robin (every request a different page: more pages than the render cache holds, so an
 * LRU cache never hits) and with skewed popularity (Zipf), beside a fixed page of the mix's
 * average size.
 */
const articleMix = async () => {
  const site = new MemoryStore();
  await populateArchive(site, {
    config,
    start: '2024-11-24',
    days: mixIssues,
    articlesPerPage: mixArticlesPerPage,
  });
  const keys: string[] = [];
  for await (const key of site.list(sitePrefixes.articles)) keys.push(key);
  keys.sort();
  const paths = keys.map((key) => `/${key.replace(/\.json$/, '')}`);
  const roundRobin = paths.map((path) => functionUrlEvent(path));

  const random = seededRandom(20241130);
  // Popularity order unrelated to key order (a shuffle), then Zipf draws over it.
  const byPopularity = [...roundRobin];
  for (let i = byPopularity.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [byPopularity[i], byPopularity[j]] = [byPopularity[j]!, byPopularity[i]!];
  }
  const skewed = zipfSequence(byPopularity.length, 20 * byPopularity.length, random).map(
    (rank) => byPopularity[rank]!,
  );

  const deps = { site, config, clock: benchClock, log: silentLog };
  const uncached = createHandler(deps);
  let totalBytes = 0;
  let reference: Awaited<ReturnType<Handler>> & { headers?: unknown } = {};
  for (const event of roundRobin) {
    const result = await uncached(event);
    if (result.statusCode !== 200)
      throw new Error(`mix article ${event.rawPath} answered ${result.statusCode}`);
    totalBytes += Buffer.byteLength(result.body ?? '');
    reference = result;
  }
  const averageBytes = Math.round(totalBytes / roundRobin.length);
  // A real page padded (or cut) to the mix's average size: the same work per byte as the mix.
  const base = reference.body ?? '';
  const fixedBody =
    Buffer.byteLength(base) >= averageBytes
      ? Buffer.from(base).subarray(0, averageBytes).toString()
      : `${base}<!--${'-'.repeat(averageBytes - Buffer.byteLength(base) - 7)}-->`;

  const stats = await measure(
    {
      // Each its own warm instance (as deployed, default cache size), so the two don't share hits.
      roundRobin: { handler: createHandler({ ...deps, cache: new RenderCache() }), events: roundRobin },
      skewed: { handler: createHandler({ ...deps, cache: new RenderCache() }), events: skewed },
      uncached: { handler: uncached, events: roundRobin },
      fixed: {
        handler: fixedPageHandler(fixedBody, { ...(reference.headers as Record<string, string>) }),
        events: roundRobin,
      },
    },
    10,
    2 * roundRobin.length,
  );
  const distinctSkewed = new Set(skewed).size;
  const top10 = skewed.filter((e) => byPopularity.indexOf(e) < 10).length / skewed.length;
  return { articles: roundRobin.length, averageBytes, distinctSkewed, top10, ...stats };
};

/** The functions' bundling (docs/infrastructure.md): ESM, minified, SDK bundled. */
const bundle = async (options: { entry?: string; source?: string }) => {
  const result = await build({
    ...(options.entry
      ? { entryPoints: [options.entry] }
      : { stdin: { contents: options.source!, resolveDir: root, loader: 'ts' as const } }),
    absWorkingDir: root,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    minify: true,
    mainFields: ['module', 'main'],
    banner: { js: "import{createRequire}from'module';const require=createRequire(import.meta.url);" },
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.contents;
};

/**
 * In a fresh node process: milliseconds to `import()` the bundle, to its first answer (the
 * production wiring runs then: config, S3 client; the request is a malformed path, so no network),
 * and the process's wall time.
 */
const coldStart = (file: string, event: LambdaFunctionURLEvent) => {
  const script = [
    'const t=performance.now();',
    `const m=await import(${JSON.stringify(`file://${file}`)});`,
    'const t1=performance.now();',
    `const r=await m.handler(${JSON.stringify(event)});`,
    'const t2=performance.now();',
    // Last line: the handler's own log lines come first on stdout.
    "process.stdout.write('\\n'+JSON.stringify([t1-t,t2-t,r.statusCode]));",
  ].join('');
  const start = performance.now();
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      SITE_URL: 'https://news.example.cn',
      SITE_BUCKET: 'bench-site',
      AWS_REGION: 'ap-east-1',
    },
  });
  const wallMs = performance.now() - start;
  if (child.status !== 0) throw new Error(`cold start of ${file} failed: ${child.stderr}`);
  const [importMs, firstAnswerMs, status] = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as [
    number,
    number,
    number,
  ];
  if (status !== 400 && status !== 204) throw new Error(`cold start of ${file} answered ${status}`);
  return { importMs, firstAnswerMs, wallMs };
};

const bundles = async () => {
  const functionBytes = await bundle({ entry: 'functions/serve-article/handler.ts' });
  const emptyBytes = await bundle({
    source: [
      "import { S3Client } from '@aws-sdk/client-s3';",
      'let client;',
      'export const handler = async () => { client ??= new S3Client({}); return { statusCode: 204 }; };',
    ].join('\n'),
  });
  const event = functionUrlEvent('/articles/2024-11-30/%2e%2e');
  const dir = mkdtempSync(join(tmpdir(), 'serve-bench-'));
  try {
    const functionFile = join(dir, 'serve-article.mjs');
    const emptyFile = join(dir, 'empty.mjs');
    writeFileSync(functionFile, functionBytes);
    writeFileSync(emptyFile, emptyBytes);
    coldStart(functionFile, event); // the first spawns pay for the disk cache
    coldStart(emptyFile, event);
    const runs = 15;
    const fn: Array<ReturnType<typeof coldStart>> = [];
    const empty: Array<ReturnType<typeof coldStart>> = [];
    for (let i = 0; i < runs; i += 1) {
      fn.push(coldStart(functionFile, event));
      empty.push(coldStart(emptyFile, event));
    }
    const med = (
      samples: Array<ReturnType<typeof coldStart>>,
      field: 'importMs' | 'firstAnswerMs' | 'wallMs',
    ) => median(samples.map((s) => s[field]));
    return {
      functionRaw: functionBytes.byteLength,
      functionGzip: gzipSync(functionBytes).byteLength,
      emptyRaw: emptyBytes.byteLength,
      emptyGzip: gzipSync(emptyBytes).byteLength,
      functionImport: med(fn, 'importMs'),
      emptyImport: med(empty, 'importMs'),
      functionFirst: med(fn, 'firstAnswerMs'),
      emptyFirst: med(empty, 'firstAnswerMs'),
      functionWall: med(fn, 'wallMs'),
      emptyWall: med(empty, 'wallMs'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value: number) => `${value.toFixed(3)} ms`;

const row = (name: string, stats: Stats, fixed: Stats) =>
  `| ${name} | ${stats.rps.toFixed(0)} | ${ms(stats.p50)} | ${ms(stats.p99)} | ${(stats.rps / fixed.rps).toFixed(2)} |`;

export const run = async (): Promise<BenchResult> => {
  const t = await singleArticle();
  const m = await articleMix();
  const b = await bundles();
  const throughputRatio = t.real.rps / t.fixed.rps;
  const coldRatio = b.functionImport / b.emptyImport;
  return {
    title: 'serve: permalink handler (memory store) and its Lambda bundle',
    lines: [
      `one article: ${kb(t.pageBytes)} of HTML (the sample's lead article), requested over and over`,
      '| handler | req/s | p50 | p99 | ratio to fixed page |',
      '| --- | ---: | ---: | ---: | ---: |',
      row('serve-article (warm, render cache: as deployed)', t.real, t.fixed),
      row('serve-article (no cache: parse + render every time)', t.uncached, t.fixed),
      row(`fixed page (${kb(t.pageBytes)})`, t.fixed, t.fixed),
      '',
      `article mix: ${m.articles} distinct articles of ${mixIssues} synthetic issues, pages ${kb(m.averageBytes)} on average; ` +
        `skewed = Zipf (s = 1) draws: ${m.distinctSkewed} distinct articles, the 10 most popular take ${(m.top10 * 100).toFixed(0)}% of requests`,
      '| handler | req/s | p50 | p99 | ratio to fixed page |',
      '| --- | ---: | ---: | ---: | ---: |',
      row('serve-article (warm, render cache), round-robin', m.roundRobin, m.fixed),
      row('serve-article (warm, render cache), skewed popularity', m.skewed, m.fixed),
      row('serve-article (no cache), round-robin', m.uncached, m.fixed),
      row(`fixed page (${kb(m.averageBytes)}, the mix's average)`, m.fixed, m.fixed),
      `the goal line is the one-article warm ratio (${throughputRatio.toFixed(2)}); the deployed cache holds ` +
        `${new RenderCache().maxEntries} entries, more than a week of pages, so a round-robin over the week hits after the first pass`,
      '',
      '| bundle | raw | gzip | median import | median import + first answer | median node process |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      `| serve-article | ${kb(b.functionRaw)} | ${kb(b.functionGzip)} | ${ms(b.functionImport)} | ${ms(b.functionFirst)} | ${ms(b.functionWall)} |`,
      `| S3 client only | ${kb(b.emptyRaw)} | ${kb(b.emptyGzip)} | ${ms(b.emptyImport)} | ${ms(b.emptyFirst)} | ${ms(b.emptyWall)} |`,
      `cold import ratio serve-article / S3 client only: ${coldRatio.toFixed(2)}; to the first answer: ${(b.functionFirst / b.emptyFirst).toFixed(2)}`,
    ],
    goals: [
      { name: 'serve-throughput-ratio', measured: Number(throughputRatio.toFixed(2)), op: '>=', target: 0.5 },
      { name: 'serve-cold-import-ratio', measured: Number(coldRatio.toFixed(2)), op: '<=', target: 1.5 },
    ],
  };
};
