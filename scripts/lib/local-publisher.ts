import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ensureBrandKit } from '../../shared/branding/write-brand-kit.ts';
import { type Clock, systemClock } from '../../shared/clock.ts';
import { parseSiteConfig, type SiteConfig } from '../../shared/config.ts';
import { type Log, silentLog } from '../../shared/log.ts';
import type { PublishedIssue } from '../../shared/model/published.ts';
import { serveRequest } from '../../shared/serve/serve-request.ts';
import { latestIssueKey } from '../../shared/site-layout.ts';
import { FsStore } from '../../shared/storage/fs-store.ts';
import type { Store } from '../../shared/storage/store.ts';
import { type LocalServer, startLocalServer } from './local-server.ts';
import { inboxUploads, startS3Uploads } from './local-sources.ts';
import { openLocalState } from './local-state.ts';
import type { RequestLogEntry } from './node-http.ts';
import { startBanner, type UploadOutcome } from './upload-report.ts';
import { createUploadRunner, describeError, readJsonOrUndefined } from './upload-runner.ts';

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
  /** Site config keys to set (`npm start -- --max-image-pixels …`); the site URL is the server's. */
  config?: Partial<Record<keyof SiteConfig, unknown>>;
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
  // Refuse a bad setting before touching the disk or listening; the real URL comes from listen().
  parseSiteConfig({ ...options.config, siteUrl: 'http://127.0.0.1' });
  const dataDir = resolve(options.data);
  const inboxDir = join(dataDir, 'incoming');
  const siteDir = join(dataDir, 'site');
  await mkdir(inboxDir, { recursive: true });
  await mkdir(siteDir, { recursive: true });

  const site = new FsStore(siteDir);
  const requests: RequestLogEntry[] = [];
  const requestLogLimit = options.requestLogLimit ?? 1000;
  let config: SiteConfig | undefined;

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
  const siteConfig = parseSiteConfig({ ...options.config, siteUrl: server.url });
  config = siteConfig;
  // The generated default branding kit (icons and logo the feeds and pages name): once per site.
  await ensureBrandKit(site, siteConfig, log);

  const { state, firstRun } = await openLocalState({ dataDir, site, config: siteConfig, clock, log, print });

  const runner = createUploadRunner({ site, clock, log, config: siteConfig, print });
  const inbox = inboxUploads({
    runner,
    state,
    firstRun,
    dataDir,
    inboxDir,
    input: new FsStore(dataDir),
    site,
    print,
    ...(options.sampleDir === undefined ? {} : { sampleDir: options.sampleDir }),
    ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
  });
  await inbox.catchUp();
  const local =
    options.s3 === undefined
      ? undefined
      : await startS3Uploads({
          runner,
          dataDir,
          host,
          port: options.s3.port,
          bucket: options.s3.bucket ?? 'ingest',
          site,
        });
  const watcher = inbox.watch();

  const latest = (await readJsonOrUndefined(site, latestIssueKey)) as PublishedIssue | undefined;
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
    uploads: runner.uploads,
    whenIdle: () => runner.whenIdle(),
    stop() {
      stopping ??= (async () => {
        await watcher.close();
        await local?.close();
        await runner.whenIdle();
        await server.close();
      })();
      return stopping;
    },
  };
};
