import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../shared/clock.ts';
import { ConfigError } from '../shared/errors.ts';
import { jsonLineLog } from '../shared/log.ts';
import { importUploads } from '../shared/publish/import-uploads.ts';
import { readSiteConfigRecord } from '../shared/publish/site-config-record.ts';
import type { HeldLock } from '../shared/storage/file-lock.ts';
import { FsStore } from '../shared/storage/fs-store.ts';
import { createS3Client, S3Store } from '../shared/storage/s3-store.ts';
import type { Store } from '../shared/storage/store.ts';
import { type ConfigFlags, configFlagOptions, configOverrides } from './lib/config-flags.ts';
import { listUploads, parseUploads, splitMedia, type UploadSource, uploadInput } from './lib/import-parse.ts';
import { importProgress } from './lib/import-progress.ts';
import { resolveRebuildConfig } from './lib/rebuild-config.ts';

/**
 * `npm run import -- --data <dir> <folder>` — or, on AWS,
 * `npm run import -- s3://<ingest bucket>/incoming/ --site s3://<site bucket> [--endpoint <url>]`.
 *
 * Brings a back catalogue in at once (docs/publishing.md, "Bringing in the back catalogue"):
 * every file under the folder is the upload `incoming/` + its path below the folder; the text
 * uploads are parsed on worker threads, merged into their issue documents as publishing merges
 * them, and every feed, archive and state document is then built once; photos and facsimiles
 * are then published as publishing publishes them. Rejected uploads get their reports and are
 * listed at the end (exit code 1 when there are any).
 * Config as for `npm run rebuild`: the site's recorded one, flags overriding it.
 */
const usage =
  'Usage: npm run import -- --data <dir> <folder>\n' +
  '       npm run import -- s3://<ingest bucket>/incoming/ --site s3://<site bucket> [--endpoint <url>]\n' +
  '  [--site-url <url>] [--title <t>] [--window-issues <n>] [--publication-time HH:MM]\n' +
  '  [--max-upload-bytes <n>] [--max-image-bytes <n>] [--max-image-pixels <n>] [--max-pdf-bytes <n>]\n' +
  '  [--workers <n>] [--concurrency <n>] [--verify]\n' +
  '--verify: read every derived object back instead of trusting state/hashes/ (after a crash).';

const configFlags = {
  'site-url': 'siteUrl',
  title: 'title',
  'publication-time': 'publicationTime',
  'window-issues': 'windowIssues',
  'max-upload-bytes': 'maxUploadBytes',
  // Not in the site's record: these flags, else MAX_IMAGE_BYTES & co. in the environment.
  'max-image-bytes': 'maxImageBytes',
  'max-image-pixels': 'maxImagePixels',
  'max-pdf-bytes': 'maxPdfBytes',
} as const satisfies ConfigFlags;

const s3Location = (url: string) => {
  const [bucket = '', ...rest] = url.slice('s3://'.length).split('/');
  const prefix = rest.join('/');
  return { bucket, prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/` };
};

const positiveInt = (value: string | undefined, flag: string) => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${flag} must be a whole number`);
  return n;
};

const main = async () => {
  const { values, positionals } = parseArgs({
    options: {
      data: { type: 'string' },
      site: { type: 'string' },
      endpoint: { type: 'string' },
      workers: { type: 'string' },
      concurrency: { type: 'string' },
      verify: { type: 'boolean' },
      ...configFlagOptions(configFlags),
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const from = positionals[0];
  if (from === undefined || positionals.length > 1) throw new ConfigError(usage);
  const endpoint = values.endpoint as string | undefined;
  const client = () =>
    createS3Client({
      ...(process.env.AWS_REGION ? { region: process.env.AWS_REGION } : {}),
      ...(endpoint === undefined ? {} : { endpoint, forcePathStyle: true }),
    });

  let source: UploadSource;
  if (from.startsWith('s3://')) {
    const { bucket, prefix } = s3Location(from);
    source = { store: new S3Store({ client: client(), bucket }), prefix };
  } else source = { store: new FsStore(from), prefix: '' };

  const siteArg = values.site as string | undefined;
  const remote = siteArg?.startsWith('s3://') ?? false;
  // A local site is written without an fsync per object (thousands of them: most of the time)
  // and made durable once at the end; an import interrupted by a crash is simply run again.
  const localDir = remote
    ? undefined
    : (siteArg ?? (typeof values.data === 'string' ? join(values.data, 'site') : undefined));
  let site: Store;
  let siteLock: HeldLock | undefined;
  if (siteArg !== undefined && remote)
    site = new S3Store({ client: client(), bucket: s3Location(siteArg).bucket });
  else if (localDir !== undefined) {
    const local = new FsStore(localDir, { fsync: false });
    // One lock over the whole folder for the import (not a lock file per object written);
    // `npm run publish` and `npm start` into the same folder wait until it is done.
    siteLock = await local.lockSite();
    site = local;
  } else throw new ConfigError(`give the site: --data <dir> (local) or --site s3://<bucket>\n${usage}`);
  try {
    await importInto(site, source, values, remote);
    if (localDir !== undefined) flushToDisk(localDir);
  } finally {
    await siteLock?.release();
  }
};

/** Resolve the config, import every upload of `source` into `site`, and print the summary. */
const importInto = async (
  site: Store,
  source: UploadSource,
  values: Record<string, unknown> & { workers?: string; concurrency?: string; verify?: boolean },
  remote: boolean,
) => {
  const overrides = configOverrides(configFlags, values);
  const resolved = resolveRebuildConfig({
    recorded: await readSiteConfigRecord(site),
    overrides,
    environment: process.env,
    remote,
    localSiteUrl: 'http://127.0.0.1:8080',
  });
  const config = resolved.config;
  console.error(`site config: ${resolved.source} (site URL ${config.siteUrl})`);

  const started = performance.now();
  const { text: uploads, media } = splitMedia(await listUploads(source));
  const summary = await importUploads(
    {
      site,
      config,
      clock: systemClock,
      log: jsonLineLog({ script: 'import' }),
      onProgress: importProgress(process.stderr, started),
      trustHashRecords: values.verify !== true,
      input: uploadInput(source),
      ...(values.concurrency === undefined
        ? {}
        : { concurrency: positiveInt(values.concurrency, '--concurrency') }),
    },
    parseUploads(source, uploads, {
      maxBytes: config.maxUploadBytes,
      ...(values.workers === undefined ? {} : { workers: positiveInt(values.workers, '--workers') }),
    }),
    uploads.length,
    media,
  );
  const seconds = (performance.now() - started) / 1000;
  const { build } = summary;
  console.log(
    `imported ${summary.published} of ${summary.uploads} uploads into ${build.dates} issues, ${build.articles} ` +
      `articles in ${seconds.toFixed(1)} s (${Math.round(build.articles / Math.max(seconds, 1e-9))} articles/s); ` +
      `${summary.issuesWritten} issue documents and ${build.written} derived objects written`,
  );
  if (summary.rejected.length > 0) {
    console.log(`${summary.rejected.length} rejected (reports under reports/):`);
    for (const r of summary.rejected) console.log(`  ${r.key}: ${r.code} — ${r.message}`);
    process.exitCode = 1;
  }
};

/** `sync -f` (syncfs: the one filesystem) where coreutils has it, else a plain `sync`. */
const flushToDisk = (dir: string) => {
  if (process.platform === 'win32') return;
  if (spawnSync('sync', ['-f', dir]).status !== 0) spawnSync('sync');
};

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exitCode = 2;
});
