import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchResult, Goal } from './goal.ts';

/**
 * Work limits (issue 12, item 4): the worst uploads the limits still accept
 * (shared/readers/upload-limits.ts) must publish within 10 s and 256 MB above the process
 * baseline on this machine. Each case runs in its own child process (--expose-gc), so the
 * memory measured is that publish's alone.
 */
const child = (mode: 'briefs' | 'long') => {
  const script = fileURLToPath(new URL('./limits-child.ts', import.meta.url));
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, mode], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (run.status !== 0) throw new Error(`limits child failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as {
    seconds: number;
    peakMb: number;
    bytes: number;
    articles: number;
  };
};

export const run = async (): Promise<BenchResult> => {
  const lines = [
    '| worst accepted upload | bytes | articles | publish s | peak MB above baseline |',
    '|---|---|---|---|---|',
  ];
  const goals: Goal[] = [];
  for (const mode of ['briefs', 'long'] as const) {
    const r = child(mode);
    lines.push(`| ${mode} | ${r.bytes} | ${r.articles} | ${r.seconds.toFixed(2)} | ${r.peakMb.toFixed(1)} |`);
    goals.push(
      {
        name: `limits ${mode} publish time`,
        measured: Number(r.seconds.toFixed(2)),
        op: '<=',
        target: 10,
        unit: 's',
      },
      {
        name: `limits ${mode} publish memory`,
        measured: Number(r.peakMb.toFixed(1)),
        op: '<=',
        target: 256,
        unit: 'MB',
      },
    );
  }
  return { title: 'Work limits: worst accepted uploads', lines, goals };
};
