import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ensureBrandKit } from '../shared/branding/write-brand-kit.ts';
import { systemClock } from '../shared/clock.ts';
import { ConfigError } from '../shared/errors.ts';
import { jsonLineLog } from '../shared/log.ts';
import { type RebuildProgress, rebuildSite } from '../shared/publish/rebuild-site.ts';
import { readSiteConfigRecord } from '../shared/publish/site-config-record.ts';
import { FsStore } from '../shared/storage/fs-store.ts';
import { createS3Client, S3Store } from '../shared/storage/s3-store.ts';
import type { Store } from '../shared/storage/store.ts';
import { type ConfigFlags, configFlagOptions, configOverrides } from './lib/config-flags.ts';
import { ignoreClosedPipes } from './lib/quiet-pipe.ts';
import { resolveRebuildConfig } from './lib/rebuild-config.ts';

ignoreClosedPipes();

/**
 * `npm run rebuild -- <site dir | s3://bucket> [--endpoint <url>] [--site-url <url>] [--title …]
 *   [--window-issues <n>] [--publication-time HH:MM] [--max-feed-bytes <n>] [--max-upload-bytes <n>]
 *   [--websub-hub <url>] [--section-slugs <json>] [--accent-color #rrggbb] [--brand-kit <id>]
 *   [--indexnow-key <key>] [--logo <svg|png>] [--id-authority <name>]`
 *
 * Regenerates every feed, archive, OPML, latest and state document (and the article records)
 * from the issue documents, streaming, with a progress bar on stderr; prints articles/s.
 * Config: the one the site was published with (`state/site-config.json`), each flag overriding
 * its key. Without a record: an `s3://` target needs `--site-url` (refused otherwise: a guessed
 * URL would change every GUID in production); a local directory falls back to the environment
 * (`SITE_URL`, default `http://127.0.0.1:8080`, as `npm start` serves it).
 * The progress bar is a dozen hand-written lines: one `\r`-rewritten line on a terminal, a line
 * per 10 % otherwise (CI logs) — not worth a dependency.
 */
const usage =
  'Usage: npm run rebuild -- <site dir | s3://bucket> [--endpoint <url>] [--site-url <url>] [--title <t>]\n' +
  '  [--window-issues <n>] [--publication-time HH:MM] [--max-feed-bytes <n>] [--max-upload-bytes <n>]\n' +
  '  [--websub-hub <url>] [--section-slugs <json>] [--accent-color #rrggbb] [--brand-kit <id>]\n' +
  '  [--indexnow-key <key>] [--logo <svg|png>] [--id-authority <name>] [--verify]   (--logo: the file the brand kit id was made from)\n' +
  'Uses the config recorded in the site (state/site-config.json); flags override it.\n' +
  '--verify: read every derived object back instead of trusting the hash records (state/hashes/),\n' +
  '  after derived objects were edited by hand or a crash interrupted an import.';

const progressBar = (stream: NodeJS.WriteStream, started: number) => {
  let lastDraw = 0;
  let lastDecile = -1;
  return (p: RebuildProgress) => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(p.articlesDone / seconds) : 0;
    const fraction = p.datesTotal === 0 ? 1 : p.datesDone / p.datesTotal;
    const line = `[${'#'.repeat(Math.round(fraction * 30)).padEnd(30, '.')}] ${p.datesDone}/${p.datesTotal} issues · ${p.articlesDone} articles · ${rate} articles/s`;
    if (stream.isTTY) {
      const now = performance.now();
      if (now - lastDraw < 100 && p.datesDone < p.datesTotal) return;
      lastDraw = now;
      stream.write(`\r${line}`);
      if (p.datesDone === p.datesTotal) stream.write('\n');
    } else {
      const decile = Math.floor(fraction * 10);
      if (decile === lastDecile) return;
      lastDecile = decile;
      stream.write(`${line}\n`);
    }
  };
};

/** Flags that set one config key each (they win over the recorded config). */
const configFlags = {
  'site-url': 'siteUrl',
  title: 'title',
  'publication-time': 'publicationTime',
  'window-issues': 'windowIssues',
  'max-feed-bytes': 'maxFeedBytes',
  'max-upload-bytes': 'maxUploadBytes',
  'websub-hub': 'websubHub',
  'section-slugs': 'sectionSlugs',
  'accent-color': 'accentColor',
  'brand-kit': 'brandKit',
  'indexnow-key': 'indexNowKey',
  // Changing the id authority re-marks every item unread in every reader: the explicit action.
  'id-authority': 'idAuthority',
} as const satisfies ConfigFlags;

const main = async () => {
  const { values, positionals } = parseArgs({
    options: {
      endpoint: { type: 'string' },
      verify: { type: 'boolean' },
      logo: { type: 'string' },
      ...configFlagOptions(configFlags),
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const target = positionals[0];
  if (target === undefined || positionals.length > 1) throw new ConfigError(usage);
  let site: Store;
  const remote = target.startsWith('s3://');
  if (remote) {
    const bucket = target.slice('s3://'.length).replace(/\/+$/, '');
    const endpoint = values.endpoint as string | undefined;
    const client = createS3Client({
      ...(process.env.AWS_REGION ? { region: process.env.AWS_REGION } : {}),
      ...(endpoint === undefined ? {} : { endpoint, forcePathStyle: true }),
    });
    site = new S3Store({ client, bucket });
  } else site = new FsStore(target);

  const overrides = configOverrides(configFlags, values as Record<string, unknown>);
  const resolved = resolveRebuildConfig({
    recorded: await readSiteConfigRecord(site),
    overrides,
    environment: process.env,
    remote,
    localSiteUrl: 'http://127.0.0.1:8080',
  });
  const config = resolved.config;
  console.error(`site config: ${resolved.source} (site URL ${config.siteUrl})`);
  if (resolved.ignoredEnvironment.length > 0) {
    console.error(
      `ignored ${resolved.ignoredEnvironment.join(', ')} from the environment: the site has a recorded ` +
        'config (pass --site-url etc. to change it)',
    );
  }

  // The branding kit before the feeds that name it (written once; content-addressed keys).
  const logo = typeof values.logo === 'string' ? new Uint8Array(await readFile(values.logo)) : undefined;
  const brand = await ensureBrandKit(site, config, jsonLineLog({ script: 'rebuild' }), logo);
  console.error(`branding kit ${brand.id}${brand.written ? ' written' : ' already in place'}`);

  const started = performance.now();
  const summary = await rebuildSite({
    site,
    config,
    clock: systemClock,
    log: jsonLineLog({ script: 'rebuild' }),
    onProgress: progressBar(process.stderr, started),
    trustHashRecords: values.verify !== true,
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `rebuilt ${summary.dates} issues, ${summary.articles} articles in ${seconds.toFixed(1)} s ` +
      `(${Math.round(summary.articles / Math.max(seconds, 1e-9))} articles/s); ${summary.written} objects rewritten, ` +
      `${summary.deleted} stale deleted`,
  );
};

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exitCode = 1;
});
