import { readFileSync } from 'node:fs';
import { decodeText } from '../shared/readers/decode-text.ts';
import { readPageText } from '../shared/readers/page-text-reader.ts';
import { type BenchResult, median } from './goal.ts';

/**
 * Page-text parsing throughput: decode + readPageText, against the floor of any text reader —
 * TextDecoder plus line splitting of the same bytes — measured side by side (interleaved
 * rounds, medians), so the ratio survives a shared, noisy machine. Inputs: the sample front
 * page and a synthetic ~1 MB page made by repeating its article blocks with distinct titles.
 */

const sample = readFileSync(
  new URL('../test/fixtures/quzhou-daily-2024-11-30-page01.txt', import.meta.url),
  'utf8',
);

/** ~`targetBytes` of page text: the sample's masthead, its news articles repeated, its footer. */
export const syntheticPage = (targetBytes: number) => {
  const lines = sample.split('\n');
  const firstArticle = lines.findIndex((l) => l.startsWith('高屹率团赴韩国'));
  const photo = lines.indexOf('古城韵味');
  const footer = lines.findIndex((l) => l.startsWith('责任编辑'));
  if (firstArticle < 0 || photo < 0 || footer < 0)
    throw new Error('the sample page changed; update syntheticPage');
  const head = lines.slice(0, firstArticle).join('\n');
  const body = lines.slice(firstArticle, photo);
  const tail = lines.slice(footer).join('\n');
  /** Index of the next non-blank line after i. */
  const next = (i: number) => body.findIndex((l, j) => j > i && l.trim() !== '');
  const parts = [head];
  let size = Buffer.byteLength(head) + Buffer.byteLength(tail);
  for (let n = 1; size < targetBytes; n += 1) {
    // Distinct headlines keep proposed article ids distinct, as on a real page.
    const block = body
      .map((l, i) => (body[next(i)]?.startsWith('本报讯') ? l.replace(/^(\S+)/, `$1之${n}`) : l))
      .join('\n');
    parts.push(block);
    size += Buffer.byteLength(block) + 1;
  }
  parts.push(tail);
  return parts.join('\n');
};

const baseline = (bytes: Uint8Array) => new TextDecoder('utf-8').decode(bytes).split(/\r?\n/).length;
const subject = (bytes: Uint8Array) => readPageText(decodeText(bytes).text).pages.length;

const time = (fn: () => unknown, inner: number) => {
  const start = process.hrtime.bigint();
  for (let i = 0; i < inner; i += 1) fn();
  return Number(process.hrtime.bigint() - start) / 1e6 / inner;
};

const measure = (bytes: Uint8Array, rounds: number, inner: number) => {
  const base: number[] = [];
  const full: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    baseline(bytes);
    subject(bytes);
  }
  for (let round = 0; round < rounds; round += 1) {
    // Alternate which goes first so neither always runs on a warmer cache.
    if (round % 2 === 0) {
      base.push(time(() => baseline(bytes), inner));
      full.push(time(() => subject(bytes), inner));
    } else {
      full.push(time(() => subject(bytes), inner));
      base.push(time(() => baseline(bytes), inner));
    }
  }
  const baseMs = median(base);
  const fullMs = median(full);
  const mb = bytes.length / 1e6;
  return {
    baseMs,
    fullMs,
    baseMBs: mb / (baseMs / 1000),
    fullMBs: mb / (fullMs / 1000),
    ratio: fullMs / baseMs,
  };
};

export const run = async (): Promise<BenchResult> => {
  const inputs = [
    { name: 'sample page', bytes: new TextEncoder().encode(sample), rounds: 21, inner: 50 },
    {
      name: 'synthetic ~1 MB page',
      bytes: new TextEncoder().encode(syntheticPage(1_000_000)),
      rounds: 15,
      inner: 2,
    },
  ];
  const lines = [
    '| input | bytes | decode+split ms | parse ms | decode+split MB/s | parse MB/s | ratio |',
    '|---|---|---|---|---|---|---|',
  ];
  let worst = 0;
  for (const input of inputs) {
    const r = measure(input.bytes, input.rounds, input.inner);
    worst = Math.max(worst, r.ratio);
    lines.push(
      `| ${input.name} | ${input.bytes.length} | ${r.baseMs.toFixed(3)} | ${r.fullMs.toFixed(3)} | ${r.baseMBs.toFixed(1)} | ${r.fullMBs.toFixed(1)} | ${r.ratio.toFixed(2)} |`,
    );
  }
  lines.push(
    '',
    'ratio = (decodeText + readPageText) / (TextDecoder + line split), medians of interleaved rounds; goal uses the worse input.',
  );
  return {
    title: 'Page-text parsing (decode + readPageText) vs TextDecoder + line split',
    lines,
    goals: [{ name: 'parse-ratio', measured: Number(worst.toFixed(2)), op: '<=', target: 10 }],
  };
};
