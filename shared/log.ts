/** The narrow logger the core receives; the edge decides how lines are written. */
export interface Log {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A logger that drops everything (tests, benchmarks). */
export const silentLog: Log = { info() {}, warn() {}, error() {} };

/**
 * One JSON object per line on stdout/stderr, for the CLIs (`npm run rebuild`). The Lambda
 * functions write through Powertools Logger instead (functions/instruments.ts).
 */
export const jsonLineLog = (base: Record<string, unknown> = {}): Log => {
  const write = (level: string, message: string, fields?: Record<string, unknown>) => {
    const line = JSON.stringify({ level, message, ...base, ...fields });
    if (level === 'error') console.error(line);
    else console.log(line);
  };
  return {
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
};
