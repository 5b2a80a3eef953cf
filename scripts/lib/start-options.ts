import { parseArgs } from 'node:util';
import type { SiteConfig } from '../../shared/config.ts';
import { UsageError } from '../../shared/errors.ts';
import { type ConfigFlags, configFlagOptions, configOverrides } from './config-flags.ts';

/** Options of `npm start`, after validation. */
export interface StartOptions {
  /** HTTP port; 0 asks the system for a free one (the real port is printed). */
  port: number;
  /** Data folder: `incoming/` (the inbox) and `site/` (what is served). */
  data: string;
  /** Interface to listen on; loopback unless asked otherwise. */
  host: string;
  /** Also expose an S3-compatible endpoint (s3rver) whose uploads publish. */
  s3: boolean;
  /** Port of the S3-compatible endpoint; 0 = ephemeral. */
  s3Port: number;
  /** Site config keys the flags set (the media limits), unvalidated: the publisher parses them. */
  config: Partial<Record<keyof SiteConfig, unknown>>;
  /** Print the usage text and exit. */
  help: boolean;
}

/** Flags that set a config key: the limits an operator tries out locally before deploying them. */
const configFlags = {
  'max-image-bytes': 'maxImageBytes',
  'max-image-pixels': 'maxImagePixels',
  'max-pdf-bytes': 'maxPdfBytes',
} as const satisfies ConfigFlags;

/** Defaults documented in docs/local-run.md; kept here so the usage text cannot drift. */
export const startDefaults = {
  port: 8080,
  data: './data',
  host: '127.0.0.1',
  s3Port: 4568,
} as const;

/** The usage text of `npm start`. */
export const startUsage = `Usage: npm start -- [options]

Publishes the bundled sample issue on first run, then serves the site and watches the inbox.

Options:
  --port <n>      HTTP port (default ${startDefaults.port}; 0 = any free port, printed at start)
  --data <dir>    data folder: <dir>/incoming is the inbox, <dir>/site what is served
                  (default ${startDefaults.data})
  --host <addr>   interface to listen on (default ${startDefaults.host})
  --s3            also serve an S3-compatible endpoint (bucket "ingest"); uploads under
                  incoming/ publish exactly as on AWS
  --s3-port <n>   port of that endpoint (default ${startDefaults.s3Port}; 0 = any free port)
  --max-image-bytes <n>   largest photo or page image accepted (default 40 MiB)
  --max-image-pixels <n>  most pixels of a photo or page image (default 100000000)
  --max-pdf-bytes <n>     largest page PDF accepted (default 100 MiB)
  -h, --help      show this text
`;

const parsePort = (name: string, raw: string | undefined, fallback: number) => {
  if (raw === undefined) return fallback;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) {
    throw new UsageError(`--${name} must be a port number from 0 to 65535, got "${raw}"`);
  }
  return Number(raw);
};

/**
 * Parse `npm start` arguments (without the node and script paths).
 * Throws UsageError on unknown options, missing values or bad port numbers.
 */
export const parseStartOptions = (argv: readonly string[]): StartOptions => {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (cause) {
    throw new UsageError(cause instanceof Error ? cause.message : String(cause), { cause });
  }
  const data = values.data ?? startDefaults.data;
  if (data.trim() === '') throw new UsageError('--data must name a folder');
  const host = values.host ?? startDefaults.host;
  if (host.trim() === '') throw new UsageError('--host must name an interface');
  return {
    port: parsePort('port', values.port, startDefaults.port),
    data,
    host,
    s3: values.s3 ?? false,
    s3Port: parsePort('s3-port', values['s3-port'], startDefaults.s3Port),
    config: configOverrides(configFlags, values),
    help: values.help ?? false,
  };
};

const parse = (argv: readonly string[]) =>
  parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      data: { type: 'string' },
      host: { type: 'string' },
      s3: { type: 'boolean' },
      's3-port': { type: 'string' },
      ...configFlagOptions(configFlags),
      help: { type: 'boolean', short: 'h' },
    },
  });
