/** One benchmark goal line: `goal <name>: <measured> (target <op> <value>) ok|MISSED`. */
export interface Goal {
  name: string;
  measured: number;
  op: '<=' | '>=' | '==';
  target: number;
  unit?: string;
}

/** What each bench suite returns: printed tables (already formatted) and its goals. */
export interface BenchResult {
  title: string;
  lines: string[];
  goals: Goal[];
}

export const goalMet = (goal: Goal) =>
  goal.op === '<='
    ? goal.measured <= goal.target
    : goal.op === '>='
      ? goal.measured >= goal.target
      : goal.measured === goal.target;

const show = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(2));

export const formatGoal = (goal: Goal) => {
  const unit = goal.unit ? ` ${goal.unit}` : '';
  return `goal ${goal.name}: ${show(goal.measured)}${unit} (target ${goal.op} ${show(goal.target)}${unit}) ${goalMet(goal) ? 'ok' : 'MISSED'}`;
};

/** Median of samples (benchmarks compare medians measured side by side). */
export const median = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export const percentile = (samples: number[], p: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
