import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type BenchResult, formatGoal, type Goal } from './goal.ts';

/**
 * `npm run bench`: runs every `bench/*-bench.ts` suite (each exports `run(): Promise<BenchResult>`),
 * prints its table, then one goal line per goal the issues set. Ratios are measured side by side
 * in one run: these machines are shared, absolute times are context only.
 * `npm run bench -- feeds` runs only suites whose file name contains `feeds`.
 */
const filter = process.argv[2];
const dir = fileURLToPath(new URL('.', import.meta.url));
const suites = readdirSync(dir)
  .filter((f) => f.endsWith('-bench.ts') && (!filter || f.includes(filter)))
  .sort();

const goals: Goal[] = [];
for (const file of suites) {
  const suite = (await import(`./${file}`)) as { run: () => Promise<BenchResult> };
  const result = await suite.run();
  console.log(`\n## ${result.title}`);
  for (const line of result.lines) console.log(line);
  goals.push(...result.goals);
}
console.log('');
for (const goal of goals) console.log(formatGoal(goal));
