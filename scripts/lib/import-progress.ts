import type { ImportProgress } from '../../shared/publish/import-uploads.ts';

const phaseNames = { merge: 'uploads merged', build: 'issues built', media: 'pictures processed' } as const;

/**
 * Progress of `npm run import` on stderr: one `\r`-rewritten line on a terminal (at most ten
 * redraws a second), a line per 10 % of each phase otherwise (CI logs, files).
 */
export const importProgress = (stream: NodeJS.WriteStream, started: number) => {
  let lastDraw = 0;
  let lastStep = '';
  return (p: ImportProgress) => {
    const seconds = (performance.now() - started) / 1000;
    const fraction = p.total === 0 ? 1 : p.done / p.total;
    const rate = seconds > 0 ? Math.round(p.articles / seconds) : 0;
    const line =
      `[${'#'.repeat(Math.round(fraction * 30)).padEnd(30, '.')}] ${p.done}/${p.total} ${phaseNames[p.phase]}` +
      ` · ${p.articles} articles · ${rate} articles/s`;
    const finished = p.done === p.total;
    if (stream.isTTY) {
      const now = performance.now();
      if (now - lastDraw < 100 && !finished) return;
      lastDraw = now;
      stream.write(`\r${line}\x1b[K${finished ? '\n' : ''}`);
      return;
    }
    const step = `${p.phase}${Math.floor(fraction * 10)}`;
    if (step === lastStep) return;
    lastStep = step;
    stream.write(`${line}\n`);
  };
};
