import type { Log } from '../../shared/log.ts';

/** A Log that keeps every line, so tests can assert on what was logged at which level. */
export const recordingLog = () => {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const log: Log = {
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
  };
  return { log, lines };
};
