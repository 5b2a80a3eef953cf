import { parseArgs } from 'node:util';
import { systemClock } from '../shared/clock.ts';
import { siteConfigFromEnvironment } from '../shared/config.ts';
import { ConfigError } from '../shared/errors.ts';
import { jsonLineLog } from '../shared/log.ts';
import { type RebuildProgress, rebuildSite } from '../shared/publish/rebuild-site.ts';
import { FsStore } from '../shared/storage/fs-store.ts';
import { createS3Client, S3Store } from '../shared/storage/s3-store.ts';
import type { Store } from '../shared/storage/store.ts';

/**
 * `npm run rebuild -- <site dir | s3://bucket> [--endpoint <url>] [--site-url <url>]`
 *
 * Regenerates every feed, archive, OPML, latest and state document (and the article records)
 * from the issue documents, streaming, with a progress bar on stderr; prints articles/s.
 * The progress bar is a dozen hand-written lines: one `\r`-rewritten line on a terminal, a line
 * per 10 % otherwise (CI logs) — not worth a dependency.
 */
const usage = 'Usage: npm run rebuild -- <site dir | s3://bucket> [--endpoint <url>] [--site-url <url>]';

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

const main = async () => {
  const { values, positionals } = parseArgs({
    options: {
      endpoint: { type: 'string' },
      'site-url': { type: 'string' },
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
  const config = siteConfigFromEnvironment({
    ...process.env,
    SITE_URL: values['site-url'] ?? process.env.SITE_URL ?? 'http://127.0.0.1:8080',
  });
  let site: Store;
  if (target.startsWith('s3://')) {
    const bucket = target.slice('s3://'.length).replace(/\/+$/, '');
    const client = createS3Client({
      ...(process.env.AWS_REGION ? { region: process.env.AWS_REGION } : {}),
      ...(values.endpoint === undefined ? {} : { endpoint: values.endpoint, forcePathStyle: true }),
    });
    site = new S3Store({ client, bucket });
  } else site = new FsStore(target);

  const started = performance.now();
  const summary = await rebuildSite({
    site,
    config,
    clock: systemClock,
    log: jsonLineLog({ script: 'rebuild' }),
    onProgress: progressBar(process.stderr, started),
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `rebuilt ${summary.dates} issues, ${summary.articles} articles in ${seconds.toFixed(1)} s ` +
      `(${Math.round(summary.articles / Math.max(seconds, 1e-9))} articles/s); ${summary.written} objects rewritten`,
  );
};

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exitCode = 1;
});
