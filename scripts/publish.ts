import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../shared/clock.ts';
import { siteConfigFromEnvironment } from '../shared/config.ts';
import { ConfigError } from '../shared/errors.ts';
import { silentLog } from '../shared/log.ts';
import { publishUpload } from '../shared/publish/publish-upload.ts';
import { inputPrefix, reportKey } from '../shared/site-layout.ts';
import { FsStore } from '../shared/storage/fs-store.ts';
import { ignoreClosedPipes } from './lib/quiet-pipe.ts';
import { publishLines } from './lib/upload-report.ts';

ignoreClosedPipes();

/**
 * `npm run publish -- --data <dir> [--key <upload key>] <file>...`
 *
 * Publishes files into a local data folder exactly as uploads would be: each file is stored as
 * `<dir>/incoming/<key>` (the input store is rooted at `<dir>`, so keys are `incoming/…` as in the
 * ingest bucket) and the publish use case builds the site into `<dir>/site/` (docs/publishing.md).
 * Config comes from the same environment variables as the function (SITE_URL, WINDOW_ISSUES, …);
 * `--site-url` overrides, and locally the default is http://127.0.0.1:8080 (what `npm start` serves).
 * Exit code 2 when an upload was rejected (its report is printed), 1 on any other failure.
 */
const usage = 'Usage: npm run publish -- --data <dir> [--key <upload key>] [--site-url <url>] <file>...';

const main = async () => {
  const { values, positionals } = parseArgs({
    options: {
      data: { type: 'string' },
      key: { type: 'string' },
      'site-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (values.data === undefined || positionals.length === 0) throw new ConfigError(usage);
  if (values.key !== undefined && positionals.length > 1)
    throw new ConfigError('--key names one upload: pass one file');
  const config = siteConfigFromEnvironment({
    ...process.env,
    SITE_URL: values['site-url'] ?? process.env.SITE_URL ?? 'http://127.0.0.1:8080',
  });
  const input = new FsStore(values.data);
  const site = new FsStore(join(values.data, 'site'));
  let rejected = 0;
  for (const file of positionals) {
    const key = values.key ?? `${inputPrefix}${basename(file)}`;
    if (!key.startsWith(inputPrefix)) throw new ConfigError(`upload keys live under ${inputPrefix}: ${key}`);
    // Copied, not read: an upload over the cap must not cost its size in memory here either.
    await input.putFile(key, file, { contentType: 'application/octet-stream', cacheControl: 'no-store' });
    const outcome = await publishUpload(
      { input, site, clock: systemClock, log: silentLog, config },
      { type: 'created', key },
    );
    if (!outcome.report.ok) rejected += 1;
    const reportPath = join(values.data, 'site', reportKey(key));
    for (const line of publishLines(outcome, { siteUrl: config.siteUrl, reportPath })) console.log(line);
  }
  return rejected > 0 ? 2 : 0;
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exitCode = 1;
  },
);
