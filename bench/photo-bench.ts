import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { type ImagePlan, photoPlan, processImage, processPhoto } from '../shared/media/process-image.ts';
import { loadSharp } from '../shared/media/sharp-tuning.ts';
import { photoLikeJpeg } from '../test/media/generated-pictures.ts';
import { type BenchResult, median } from './goal.ts';

/**
 * Photo benchmarks (issue 11 item 7):
 * (a) processPhoto on a 12-megapixel JPEG against sharp's own bare resize of the same picture to
 *     the same renditions (same sizes, formats and quality), interleaved in one run: the ratio is
 *     what validation, orientation, colour conversion, metadata stripping and hashing cost;
 * (b) the WebP decision: the same with JPEG only, and the bytes each format writes;
 * (c) libvips threads per picture (sharp.concurrency) 1 against 2;
 * (d) peak RSS of processing a page's four 12-megapixel photos, in a child process;
 * (e) peak RSS of publishing them through the real publish path (text page first, then the four
 *     photo uploads) on the filesystem store, in a child process.
 *
 * The pictures are generated (seeded smooth noise with grain, 4000 × 3000, JPEG quality 90).
 */

const reps = 7;
const jpegOnly: ImagePlan = { ...photoPlan, formats: ['jpeg'] };

/** sharp's plainest calls for the same outputs: one pipeline per rendition, from the upload (also the import bench's yardstick). */
export const bare = async (input: Uint8Array, formats: ImagePlan['formats']) => {
  const outputs: Buffer[] = [];
  for (const format of formats) {
    for (const resize of [
      { width: photoPlan.primary.width, withoutEnlargement: true },
      { width: photoPlan.thumbnail.box, height: photoPlan.thumbnail.box, fit: 'inside' as const },
    ]) {
      const image = sharp(input).resize(resize);
      outputs.push(
        await (format === 'jpeg' ? image.jpeg({ quality: 80 }) : image.webp({ quality: 80 })).toBuffer(),
      );
    }
  }
  return outputs;
};

const time = async (f: () => Promise<unknown>) => {
  const started = performance.now();
  await f();
  return performance.now() - started;
};

const memoryChild = (mode: 'concurrent' | 'sequential' | 'publish', files: string[]) => {
  const script = fileURLToPath(new URL('./photo-memory-child.ts', import.meta.url));
  const run = spawnSync(process.execPath, ['--import', 'tsx', script, mode, ...files], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (run.status !== 0) throw new Error(`photo memory child failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as { peakMb: number; baselineMb: number };
};

export const run = async (): Promise<BenchResult> => {
  await loadSharp(); // the build function's libvips settings, as processPhoto runs under
  const input = await photoLikeJpeg(4000, 3000, 1);

  // Warm-up, then interleave so machine noise hits every side alike.
  await processPhoto(input);
  await bare(input, photoPlan.formats);
  const ours: number[] = [];
  const plain: number[] = [];
  const oursJpeg: number[] = [];
  const plainJpeg: number[] = [];
  for (let i = 0; i < reps; i += 1) {
    ours.push(await time(() => processPhoto(input)));
    plain.push(await time(() => bare(input, photoPlan.formats)));
    oursJpeg.push(await time(() => processImage(input, { maxBytes: 2 ** 30, maxPixels: 2 ** 30 }, jpegOnly)));
    plainJpeg.push(await time(() => bare(input, ['jpeg'])));
  }
  const ratio = median(ours) / median(plain);
  const ratioJpeg = median(oursJpeg) / median(plainJpeg);

  const result = await processPhoto(input);
  const bytesOf = (role: string, format: string) =>
    result.renditions.find((r) => r.role === role && r.format === format)!.bytes.length;
  const saving = (role: string) => 1 - bytesOf(role, 'webp') / bytesOf(role, 'jpeg');

  // Threads per picture: 1 (configured) against 2, interleaved.
  const threads: Record<1 | 2, number[]> = { 1: [], 2: [] };
  for (let i = 0; i < reps; i += 1) {
    for (const n of [1, 2] as const) {
      sharp.concurrency(n);
      threads[n].push(await time(() => processPhoto(input)));
    }
  }
  sharp.concurrency(1);

  const dir = mkdtempSync(join(tmpdir(), 'photo-bench-'));
  let concurrent: { peakMb: number; baselineMb: number };
  let sequential: { peakMb: number; baselineMb: number };
  let published: { peakMb: number; baselineMb: number; renditions: number };
  try {
    const files = await Promise.all(
      [11, 12, 13, 14].map(async (seed) => {
        const file = join(dir, `${seed}.jpg`);
        writeFileSync(file, await photoLikeJpeg(4000, 3000, seed));
        return file;
      }),
    );
    concurrent = memoryChild('concurrent', files);
    sequential = memoryChild('sequential', files);
    published = memoryChild('publish', [join(dir, 'data'), ...files]) as typeof published;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const ms = (n: number) => `${n.toFixed(0)} ms`;
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  return {
    title: 'Photos: one 12-megapixel JPEG (4000 × 3000, generated) → large 1200 px + thumbnail ≤ 400 px',
    lines: [
      `upload: ${kb(input.length)}; medians of ${reps} interleaved runs; sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}`,
      '',
      '| pipeline | JPEG + WebP | JPEG only |',
      '|---|---|---|',
      `| processPhoto (validate, orient, sRGB, strip, hash) | ${ms(median(ours))} | ${ms(median(oursJpeg))} |`,
      `| bare sharp resize, same outputs | ${ms(median(plain))} | ${ms(median(plainJpeg))} |`,
      `| ratio | ${ratio.toFixed(2)} | ${ratioJpeg.toFixed(2)} |`,
      '',
      '| rendition | JPEG q80 | WebP q80 | WebP saves |',
      '|---|---|---|---|',
      `| large 1200 px | ${kb(bytesOf('large', 'jpeg'))} | ${kb(bytesOf('large', 'webp'))} | ${(100 * saving('large')).toFixed(0)} % |`,
      `| thumbnail 400 px | ${kb(bytesOf('thumbnail', 'jpeg'))} | ${kb(bytesOf('thumbnail', 'webp'))} | ${(100 * saving('thumbnail')).toFixed(0)} % |`,
      `WebP costs ${ms(median(ours) - median(oursJpeg))} more per photo, once, at publish.`,
      '',
      `libvips threads per picture: 1 → ${ms(median(threads[1]))}, 2 → ${ms(median(threads[2]))}`,
      `peak RSS, four 12-MP photos: ${concurrent.peakMb.toFixed(0)} MB at once, ${sequential.peakMb.toFixed(0)} MB one after another (process at start ${concurrent.baselineMb.toFixed(0)} MB)`,
      `peak RSS, publishing the front page and its four 12-MP photos through publishUpload on the filesystem store: ${published.peakMb.toFixed(0)} MB (${published.renditions} renditions written; process at start ${published.baselineMb.toFixed(0)} MB)`,
    ],
    goals: [
      { name: 'photo-process-ratio', measured: ratio, op: '<=', target: 1.5 },
      { name: 'photo-peak-mb', measured: concurrent.peakMb, op: '<=', target: 512, unit: 'MB' },
      { name: 'photo-publish-peak-mb', measured: published.peakMb, op: '<=', target: 512, unit: 'MB' },
    ],
  };
};
