import { vi } from 'vitest';

/**
 * The JSON lines written to stdout and stderr while `run` executes: what CloudWatch Logs receives
 * from Powertools (log lines, and EMF lines, recognisable by their `_aws` key).
 */
export const capturedJsonLines = async (run: () => Promise<unknown>) => {
  const lines: Array<Record<string, unknown>> = [];
  const capture = (chunk: unknown) => {
    for (const line of String(chunk).split('\n')) {
      if (!line.startsWith('{')) continue;
      lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    await run();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return {
    logs: lines.filter((line) => !('_aws' in line)),
    metrics: lines.filter((line) => '_aws' in line),
  };
};

/** The value of one metric across EMF lines (summed when it appears on several). */
export const metricSum = (lines: Array<Record<string, unknown>>, name: string): number | undefined => {
  const values = lines.filter((line) => name in line).map((line) => line[name] as number | number[]);
  if (values.length === 0) return undefined;
  return values.flat().reduce((a, b) => a + b, 0);
};
