/**
 * `npm start`: run the whole publisher on this machine (see docs/local-run.md).
 * Wiring only: options → startLocalPublisher → wait for Ctrl-C.
 */
import { ConfigError, UsageError } from '../shared/errors.ts';
import type { Log } from '../shared/log.ts';
import { startLocalPublisher } from './lib/local-publisher.ts';
import { ignoreClosedPipes } from './lib/quiet-pipe.ts';
import { parseStartOptions, startUsage } from './lib/start-options.ts';

ignoreClosedPipes();

/**
 * The core's log lines that matter to a person at a terminal: errors. Info and warnings (a
 * rejected upload, a retried write) are already told by the one line printed per upload.
 */
const terminalLog: Log = {
  info() {},
  warn() {},
  error: (message, fields) => console.error(`!! ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`),
};

const main = async () => {
  let options: ReturnType<typeof parseStartOptions>;
  try {
    options = parseStartOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${startUsage}`);
    process.exit(2);
  }
  if (options.help) {
    console.log(startUsage);
    return;
  }

  const publisher = await startLocalPublisher({
    data: options.data,
    host: options.host,
    port: options.port,
    ...(options.s3 ? { s3: { port: options.s3Port } } : {}),
    config: options.config,
    log: terminalLog,
  });

  const stop = (signal: string) => {
    console.log(`\n${signal}: stopping…`);
    publisher.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
};

main().catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    console.error(`That port is already in use: ${(error as Error).message}. Try --port 0 or another port.`);
  } else if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exit(1);
});
