import { copyFile, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { S3Event } from 'aws-lambda';
import { createHandler } from '../../functions/build-feeds/handler.ts';
import { ensureBrandKit } from '../../shared/branding/write-brand-kit.ts';
import { type Clock, systemClock } from '../../shared/clock.ts';
import { parseSiteConfig, type SiteConfig } from '../../shared/config.ts';
import { type Log, silentLog } from '../../shared/log.ts';
import type { PublishedIssue } from '../../shared/model/published.ts';
import { rebuildSite } from '../../shared/publish/rebuild-site.ts';
import { serveRequest } from '../../shared/serve/serve-request.ts';
import {
  allSectionsSlug,
  inputPrefix,
  issueKey,
  latestIssueKey,
  reportKey,
} from '../../shared/site-layout.ts';
import { FsStore } from '../../shared/storage/fs-store.ts';
import type { Store } from '../../shared/storage/store.ts';
import {
  type FileState,
  type InboxChange,
  type InboxWatcher,
  scanFolder,
  watchInbox,
} from './inbox-watcher.ts';
import { type LocalS3, startLocalS3 } from './local-s3.ts';
import { type LocalServer, startLocalServer } from './local-server.ts';
import type { RequestLogEntry } from './node-http.ts';
import { createSequencer, s3EventFor } from './s3-event.ts';
import { describeUpload, toUploadReport, type UploadOutcome } from './upload-report.ts';

/** Options of the local publisher (what `npm start` passes, and what the e2e tests pass). */
export interface LocalPublisherOptions {
  /** Data folder: `incoming/` is the inbox, `site/` the site store. Created when missing. */
  data: string;
  host?: string;
  /** 0 = ephemeral. Default 8080. */
  port?: number;
  /** Also run an S3-compatible endpoint on loopback whose uploads under `incoming/` publish. */
  s3?: { port: number; bucket?: string };
  /** Folder holding the bundled sample pages (default: `sample/` at the repository root). */
  sampleDir?: string;
  /** Inbox poll period (default 500 ms). */
  pollIntervalMs?: number;
  clock?: Clock;
  /** The core's logger (default: silent; `npm start` passes one that shows warnings). */
  log?: Log;
  /** Where human lines go (default: console.log). */
  print?: (line: string) => void;
  /** Requests kept in `requests` (default 1000). */
  requestLogLimit?: number;
}

/** A running local publisher. */
export interface LocalPublisher {
  /** `http://<host>:<port>` with the real port: the configured site URL. */
  url: string;
  port: number;
  config: SiteConfig;
  dataDir: string;
  inboxDir: string;
  siteDir: string;
  site: Store;
  /** S3-compatible endpoint and bucket, when enabled. */
  s3?: { endpoint: string; bucket: string; port: number };
  /**
   * The latest HTTP requests served, oldest first (tests count 304s): about `requestLogLimit`
   * (never 10 % more), so a long-running `npm start` does not grow with every request.
   */
  requests: RequestLogEntry[];
  /** Every upload handled, in order. */
  uploads: UploadOutcome[];
  /** Resolves when every upload seen so far has been handled. */
  whenIdle(): Promise<void>;
  /** Close the watcher, the S3 endpoint and the HTTP server. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Append to a log that keeps about the latest `limit` entries: the oldest are dropped in batches
 * (one splice per 10 % of the limit, not one shift per entry), so it never exceeds 1.1 × `limit`.
 */
export const appendBounded = <T>(log: T[], entry: T, limit: number) => {
  log.push(entry);
  if (log.length > Math.floor(limit * 1.1)) log.splice(0, log.length - limit);
};

/** Name of the bundled sample files: `quzhou-daily-<date>-page<NN>.txt`. */
const samplePattern = /^quzhou-daily-(\d{4}-\d{2}-\d{2})-page(\d{2})\.txt$/;

const defaultSampleDir = () => fileURLToPath(new URL('../../sample/', import.meta.url));

/** Local bookkeeping, so a restart neither republishes old files nor misses offline changes. */
interface LocalState {
  siteUrl?: string;
  /** Inbox files handled, relative to the inbox, with the size and mtime they had then. */
  inbox: Record<string, FileState>;
}

const stateFileName = 'local-state.json';

const readState = async (dataDir: string): Promise<LocalState> => {
  try {
    const parsed = JSON.parse(await readFile(join(dataDir, stateFileName), 'utf8')) as Partial<LocalState>;
    return { ...parsed, inbox: parsed.inbox ?? {} };
  } catch (error) {
    // Missing or unreadable state only means "handle everything in the inbox once more":
    // publishing is idempotent, so the worst case is redundant work.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError)
      return { inbox: {} };
    throw error;
  }
};

const writeState = async (dataDir: string, state: LocalState) => {
  const file = join(dataDir, stateFileName);
  await writeFile(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
};

const readJson = async (store: Store, key: string): Promise<unknown> => {
  const object = await store.get(key);
  if (object === undefined) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(object.body));
  } catch {
    return undefined;
  }
};

/** ETags of the subscription documents (not archives): which feeds an upload touched. */
const subscriptionDocument = /^feeds\/([^/]+)\/(rss\.xml|atom\.xml|feed\.json)$/;

const feedEtags = async (site: Store) => {
  const etags = new Map<string, string>();
  for await (const key of site.list('feeds/')) {
    if (!subscriptionDocument.test(key)) continue;
    const object = await site.get(key);
    if (object !== undefined) etags.set(key, object.etag);
  }
  return etags;
};

const touchedSlugs = (before: Map<string, string>, after: Map<string, string>) => {
  const slugs = new Set<string>();
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    if (before.get(key) !== after.get(key)) slugs.add(subscriptionDocument.exec(key)?.[1] ?? key);
  }
  // The all-sections feed first, then sections alphabetically: the order a reader scans.
  return [...slugs].sort((a, b) =>
    a === allSectionsSlug ? -1 : b === allSectionsSlug ? 1 : a < b ? -1 : a > b ? 1 : 0,
  );
};

/** Copy the bundled sample into an empty inbox as `incoming/<date>/<NN>.txt`. */
const seedSample = async (sampleDir: string, inboxDir: string) => {
  const copied: string[] = [];
  for (const name of (await readdir(sampleDir)).sort()) {
    const match = samplePattern.exec(name);
    if (match === null) continue;
    const [, date, page] = match;
    await mkdir(join(inboxDir, date!), { recursive: true });
    await copyFile(join(sampleDir, name), join(inboxDir, date!, `${page}.txt`));
    copied.push(`${inputPrefix}${date}/${page}.txt`);
  }
  return copied;
};

const describeError = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Start the whole publisher on this machine: the site store and inbox on the filesystem, the
 * build handler's code for every upload, the page use case and the static files on one HTTP
 * port, and optionally an S3-compatible endpoint. Publishes the bundled sample on first run and
 * whatever changed in the inbox while it was not running, before resolving.
 */
export const startLocalPublisher = async (options: LocalPublisherOptions): Promise<LocalPublisher> => {
  const print = options.print ?? ((line: string) => console.log(line));
  const clock = options.clock ?? systemClock;
  const log = options.log ?? silentLog;
  const host = options.host ?? '127.0.0.1';
  const dataDir = resolve(options.data);
  const inboxDir = join(dataDir, 'incoming');
  const siteDir = join(dataDir, 'site');
  await mkdir(inboxDir, { recursive: true });
  await mkdir(siteDir, { recursive: true });

  // The input store is rooted at the data folder so its keys are `incoming/…`, as in the bucket.
  const input = new FsStore(dataDir);
  const site = new FsStore(siteDir);
  const requests: RequestLogEntry[] = [];
  const requestLogLimit = options.requestLogLimit ?? 1000;
  const uploads: UploadOutcome[] = [];
  let config: SiteConfig | undefined;
  let local: LocalS3 | undefined;

  const server: LocalServer = await startLocalServer({
    host,
    port: options.port ?? 8080,
    site,
    pages: (request) => {
      // Unreachable before `config` is set: nobody knows the port until listen() resolved.
      if (config === undefined) return Promise.resolve(new Response('starting\n', { status: 503 }));
      return serveRequest({ site, config, clock, log }, request);
    },
    onRequest: (entry) => appendBounded(requests, entry, requestLogLimit),
    onError: (error, request) => log.error('request failed', { ...request, error: describeError(error) }),
  });
  const siteConfig = parseSiteConfig({ siteUrl: server.url });
  config = siteConfig;
  // The generated default branding kit (icons and logo the feeds and pages name): once per site.
  await ensureBrandKit(site, siteConfig, log);

  const state = await readState(dataDir);
  const firstRun = state.siteUrl === undefined;
  if (!firstRun && state.siteUrl !== siteConfig.siteUrl) {
    // Feeds, archives and the OPML carry absolute links built from the site URL: regenerate them
    // from the issue documents (the operator's rebuild) so no link points to a port nothing
    // listens on.
    const summary = await rebuildSite({ site, config: siteConfig, clock, log });
    print(
      `Site address changed (${state.siteUrl} → ${siteConfig.siteUrl}): rebuilt ${summary.dates} issues,` +
        ` ${summary.articles} articles, ${summary.written} documents rewritten.`,
    );
  }
  if (!firstRun && (await site.get(latestIssueKey)) === undefined) {
    // The site folder was deleted (or never finished): the inbox is the source, publish it again.
    state.inbox = {};
  }
  state.siteUrl = siteConfig.siteUrl;

  const nextSequencer = createSequencer(clock().getTime());
  const handlerDeps = { site, clock, log, config: siteConfig };
  const inboxHandler = createHandler({ ...handlerDeps, input });

  // One upload at a time: output is the same as with concurrent builds (publishing is safe under
  // concurrency), and the printed lines stay in the order things happened.
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (task: () => Promise<void>) => {
    queue = queue.then(task).catch((error: unknown) => {
      print(`! local publisher: ${describeError(error)}`);
    });
    return queue;
  };

  const handle = async (
    change: { type: 'created' | 'removed'; key: string; size?: number; eTag?: string },
    via: UploadOutcome['via'],
    run: (event: S3Event) => Promise<unknown>,
  ) => {
    const before = await feedEtags(site);
    const event = s3EventFor({
      ...change,
      bucket: via === 's3' ? (local?.bucket ?? 'ingest') : 'local-inbox',
      sequencer: nextSequencer(),
      at: clock(),
    });
    let failure: string | undefined;
    // Lambda retries a failed asynchronous invocation twice; so does the local run.
    for (let attempt = 0; ; attempt++) {
      try {
        await run(event);
        failure = undefined;
        break;
      } catch (error) {
        failure = describeError(error);
        log.warn('build failed', { key: change.key, attempt, error: failure });
        if (attempt >= 2) break;
        await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
      }
    }
    const after = await feedEtags(site);
    const report = toUploadReport(await readJson(site, reportKey(change.key)));
    const issue = report?.date === undefined ? undefined : await readJson(site, issueKey(report.date));
    const published = issue as PublishedIssue | undefined;
    const outcome: Omit<UploadOutcome, 'line'> = {
      type: change.type,
      key: change.key,
      via,
      ok: failure === undefined && (report?.ok ?? change.type === 'removed'),
      feedsTouched: touchedSlugs(before, after),
      ...(report === undefined ? {} : { report }),
      ...(failure === undefined ? {} : { failure }),
      ...(published?.pages === undefined
        ? {}
        : {
            pages: published.pages.map((p) => p.number),
            issueArticles: published.pages.reduce(
              (n, p) => n + p.articles.filter((a) => a.status === 'published').length,
              0,
            ),
          }),
    };
    const line = describeUpload(outcome);
    uploads.push({ ...outcome, line });
    print(line);
  };

  const handleInboxChanges = async (changes: InboxChange[]) => {
    for (const change of changes) {
      const key = `${inputPrefix}${change.path}`;
      await handle(
        { type: change.type, key, ...(change.size === undefined ? {} : { size: change.size }) },
        'inbox',
        inboxHandler,
      );
      if (change.type === 'created' && change.size !== undefined && change.mtimeMs !== undefined)
        state.inbox[change.path] = { size: change.size, mtimeMs: change.mtimeMs };
      else delete state.inbox[change.path];
      await writeState(dataDir, state);
    }
  };

  // First run: nothing published and nothing waiting → publish the bundled sample.
  let current = await scanFolder(inboxDir);
  if (firstRun && current.size === 0 && (await site.get(latestIssueKey)) === undefined) {
    const seeded = await seedSample(options.sampleDir ?? defaultSampleDir(), inboxDir);
    if (seeded.length > 0) print(`First run: publishing the bundled sample (${seeded.join(', ')})`);
    current = await scanFolder(inboxDir);
  }

  // Catch up with what changed while nothing was watching, exactly as the watcher would.
  const known = new Map(Object.entries(state.inbox));
  const offline: InboxChange[] = [];
  for (const [path, fileState] of current) {
    const was = known.get(path);
    if (was?.size === fileState.size && was.mtimeMs === fileState.mtimeMs) continue;
    offline.push({ type: 'created', path, size: fileState.size, mtimeMs: fileState.mtimeMs });
  }
  for (const path of known.keys()) if (!current.has(path)) offline.push({ type: 'removed', path });
  offline.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  await enqueue(() => handleInboxChanges(offline));
  await writeState(dataDir, state);

  if (options.s3 !== undefined) {
    let s3Handler: ((event: S3Event) => Promise<void>) | undefined;
    const runS3 = async (event: S3Event) => {
      if (s3Handler === undefined) throw new Error('S3 endpoint not running');
      await s3Handler(event);
    };
    local = await startLocalS3({
      directory: join(dataDir, 's3'),
      host,
      port: options.s3.port,
      bucket: options.s3.bucket ?? 'ingest',
      onObject: (change) => {
        // s3rver reports every key of every bucket; only the input prefix is an upload, the
        // same notification filter the AWS deployment sets.
        if (!change.key.startsWith(inputPrefix)) return;
        void enqueue(() => handle(change, 's3', runS3));
      },
    });
    s3Handler = createHandler({ ...handlerDeps, input: local.input });
    // Objects the site has no report for were uploaded while the publisher was stopping, or their
    // site folder was deleted: publish them now, as a redelivered notification would.
    const pending: string[] = [];
    for await (const key of local.input.list(inputPrefix)) {
      if ((await site.get(reportKey(key))) === undefined) pending.push(key);
    }
    for (const key of pending) await enqueue(() => handle({ type: 'created', key }, 's3', runS3));
  }

  const watcher: InboxWatcher = watchInbox({
    root: inboxDir,
    known: new Map(Object.entries(state.inbox)),
    intervalMs: options.pollIntervalMs ?? 500,
    onChanges: (changes) => enqueue(() => handleInboxChanges(changes)),
    onError: (error) => print(`! inbox: ${describeError(error)}`),
  });

  const latest = (await readJson(site, latestIssueKey)) as PublishedIssue | undefined;
  for (const line of startBanner(siteConfig.siteUrl, inboxDir, local, latest?.pages ?? [])) print(line);

  let stopping: Promise<void> | undefined;
  return {
    url: siteConfig.siteUrl,
    port: server.port,
    config: siteConfig,
    dataDir,
    inboxDir,
    siteDir,
    site,
    ...(local === undefined
      ? {}
      : { s3: { endpoint: local.endpoint, bucket: local.bucket, port: local.port } }),
    requests,
    uploads,
    async whenIdle() {
      // A task may enqueue more work (a watcher batch); wait until the chain stops growing.
      for (;;) {
        const seen = queue;
        await seen;
        if (seen === queue) return;
      }
    },
    stop() {
      stopping ??= (async () => {
        await watcher.close();
        await local?.close();
        await queue;
        await server.close();
      })();
      return stopping;
    },
  };
};

/** The lines printed once everything is running. */
export const startBanner = (
  siteUrl: string,
  inboxDir: string,
  s3: { endpoint: string; bucket: string } | undefined,
  sections: readonly { section: string; sectionSlug: string }[],
) => {
  const lines = [
    '',
    `衢州日报 feeds are served at ${siteUrl}/`,
    `  Home page (latest issue): ${siteUrl}/`,
    `  Subscribe to everything:  ${siteUrl}/feeds.opml   (OPML: import it in your feed reader)`,
    `  All sections:             ${siteUrl}/feeds/${allSectionsSlug}/rss.xml  (also atom.xml, feed.json)`,
    `  Inbox: drop a page into ${inboxDir}/<YYYY-MM-DD>/<NN>.txt to publish it; delete it to retract it.`,
  ];
  if (s3 !== undefined) {
    lines.push(
      `  S3 endpoint: ${s3.endpoint}  bucket ${s3.bucket}  (credentials S3RVER / S3RVER), e.g.`,
      `    aws s3 cp page.txt s3://${s3.bucket}/incoming/2024-11-30/02.txt --endpoint-url ${s3.endpoint}`,
    );
  }
  if (sections.length > 0) {
    lines.push('  Section feeds of the latest issue:');
    const seen = new Set<string>();
    for (const { section, sectionSlug } of sections) {
      if (seen.has(sectionSlug)) continue;
      seen.add(sectionSlug);
      lines.push(`    ${section}  ${siteUrl}/feeds/${sectionSlug}/rss.xml`);
    }
  }
  lines.push('  Press Ctrl-C to stop.', '');
  return lines;
};
