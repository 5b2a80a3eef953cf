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
import { articleKey } from '../shared/site-layout.ts';
import { MemoryStore } from '../shared/storage/memory-store.ts';
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
  const source = page.articles.find((a) => a.dateline !== undefined && a.paragraphs.length > 3)!;
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

const timeCalls = async (handler: Handler, event: LambdaFunctionURLEvent, calls: number, into: number[]) => {
  const start = performance.now();
  for (let i = 0; i < calls; i += 1) {
    const t = performance.now();
    const result = await handler(event);
    into.push(performance.now() - t);
    if (result.statusCode !== 200) throw new Error(`bench handler answered ${result.statusCode}`);
  }
  return performance.now() - start;
};

const throughput = async () => {
  const record = sampleRecord();
  const site = new MemoryStore();
  await site.put(articleKey(record.date, record.article.id), JSON.stringify(record), {
    contentType: 'application/json',
    cacheControl: 'no-cache',
  });
  const event = functionUrlEvent(`/articles/${record.date}/${record.article.id}`);
  const deps = { site, config, clock: fixedClock('2024-12-05T10:00:00+08:00'), log: silentLog };
  // As deployed: a warm instance keeps rendered pages (still one storage read per request).
  const real = createHandler({ ...deps, cache: new RenderCache() });
  // Context: every request parses and renders.
  const uncached = createHandler(deps);
  const reference = await real(event);
  const fixedBody = reference.body!;
  const fixedHeaders = { ...(reference.headers as Record<string, string>) };
  // Same adapters both ways; the fixed handler skips routing, the read, parsing and rendering.
  const fixed: Handler = async (e) => {
    requestFromEvent(e);
    return resultFromResponse(new Response(fixedBody, { status: 200, headers: fixedHeaders }), 'GET');
  };

  const warmup = 500;
  await timeCalls(real, event, warmup, []);
  await timeCalls(uncached, event, warmup, []);
  await timeCalls(fixed, event, warmup, []);
  const rounds = 10;
  const perRound = 500;
  const handlers = { real, uncached, fixed };
  const latency = { real: [] as number[], uncached: [] as number[], fixed: [] as number[] };
  const totalMs = { real: 0, uncached: 0, fixed: 0 };
  const names = Object.keys(handlers) as Array<keyof typeof handlers>;
  for (let round = 0; round < rounds; round += 1) {
    // Rotate which goes first so none always runs on a warmer or cooler machine.
    for (let i = 0; i < names.length; i += 1) {
      const name = names[(round + i) % names.length]!;
      totalMs[name] += await timeCalls(handlers[name], event, perRound, latency[name]);
    }
  }
  const calls = rounds * perRound;
  const stats = (name: keyof typeof handlers) => ({
    rps: (calls / totalMs[name]) * 1000,
    p50: percentile(latency[name], 50),
    p99: percentile(latency[name], 99),
  });
  return {
    pageBytes: Buffer.byteLength(fixedBody),
    real: stats('real'),
    uncached: stats('uncached'),
    fixed: stats('fixed'),
  };
};

/** Bundling that measured best for Lambda (see platform-facts): ESM, minified, SDK bundled. */
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

export const run = async (): Promise<BenchResult> => {
  const t = await throughput();
  const b = await bundles();
  const throughputRatio = t.real.rps / t.fixed.rps;
  const coldRatio = b.functionImport / b.emptyImport;
  return {
    title: 'serve: permalink handler (memory store) and its Lambda bundle',
    lines: [
      `page: ${kb(t.pageBytes)} of HTML (the sample's lead article)`,
      '| handler | req/s | p50 | p99 |',
      '| --- | ---: | ---: | ---: |',
      `| serve-article (warm, render cache) | ${t.real.rps.toFixed(0)} | ${ms(t.real.p50)} | ${ms(t.real.p99)} |`,
      `| serve-article (no cache: parse + render every time) | ${t.uncached.rps.toFixed(0)} | ${ms(t.uncached.p50)} | ${ms(t.uncached.p99)} |`,
      `| fixed page | ${t.fixed.rps.toFixed(0)} | ${ms(t.fixed.p50)} | ${ms(t.fixed.p99)} |`,
      `throughput ratio serve-article / fixed page: ${throughputRatio.toFixed(2)} (without the cache: ${(t.uncached.rps / t.fixed.rps).toFixed(2)})`,
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
