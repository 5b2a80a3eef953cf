import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { type BenchResult, formatGoal, type Goal } from './goal.ts';

/**
 * `npm run bench`: runs every `bench/*-bench.ts` suite (each exports `run(): Promise<BenchResult>`),
 * prints its table, then one goal line per goal the issues set. Ratios are measured side by side
 * in one run: these machines are shared, absolute times are context only.
 * `npm run bench -- feeds` runs only suites whose file name contains `feeds`.
 *
 * Each suite runs as an esbuild bundle, the form the Lambdas ship in: under tsx every function
 * is wrapped to keep its name, which measurably slows the tight rendering loops being compared.
 * The bundle is written beside its source so `import.meta.url`-relative paths still resolve.
 */
const filter = process.argv[2];
const dir = fileURLToPath(new URL('.', import.meta.url));
const suites = readdirSync(dir)
  .filter((f) => f.endsWith('-bench.ts') && (!filter || f.includes(filter)))
  .sort();

const goals: Goal[] = [];
for (const file of suites) {
  const outfile = join(dir, file.replace(/\.ts$/, '.bundled.mjs'));
  await build({
    entryPoints: [join(dir, file)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  try {
    const suite = (await import(pathToFileURL(outfile).href)) as { run: () => Promise<BenchResult> };
    const result = await suite.run();
    console.log(`\n## ${result.title}`);
    for (const line of result.lines) console.log(line);
    goals.push(...result.goals);
  } finally {
    rmSync(outfile, { force: true });
  }
}
console.log('');
for (const goal of goals) console.log(formatGoal(goal));
