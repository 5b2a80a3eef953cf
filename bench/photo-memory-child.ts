import { existsSync, readFileSync } from 'node:fs';
import { processPhoto } from '../shared/media/process-image.ts';

/**
 * Child process of bench/photo-bench.ts: processes the given JPEG files (the four 12-megapixel
 * photos of a page) and prints the peak resident set size of the whole process, as the kernel
 * counted it: V8 heap, the upload buffers and everything libvips allocated outside the heap.
 * That is what a Lambda's memory setting has to hold.
 *
 * The peak is Linux's VmHWM (this process image only). `getrusage` maxRSS is no substitute: it
 * keeps the peak of the forked parent across exec, so the child would report the bench's own.
 *
 * argv: concurrent|sequential <file>…
 */
const [mode = 'concurrent', ...files] = process.argv.slice(2);
const uploads = files.map((file) => new Uint8Array(readFileSync(file)));
const baselineMb = process.memoryUsage().rss / 2 ** 20;
let renditions = 0;
if (mode === 'concurrent') {
  for (const result of await Promise.all(uploads.map((bytes) => processPhoto(bytes)))) {
    renditions += result.renditions.length;
  }
} else {
  for (const bytes of uploads) renditions += (await processPhoto(bytes)).renditions.length;
}
const status = '/proc/self/status';
const highWaterKb = existsSync(status)
  ? Number(/VmHWM:\s+(\d+)/.exec(readFileSync(status, 'utf8'))?.[1])
  : Number.NaN;
// Elsewhere (macOS) maxRSS is the best there is, and may include the parent's peak.
const peakMb = (Number.isFinite(highWaterKb) ? highWaterKb : process.resourceUsage().maxRSS) / 1024;
process.stdout.write(`${JSON.stringify({ peakMb, baselineMb, renditions })}\n`);
