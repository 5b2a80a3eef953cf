import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixedClock } from '../shared/clock.ts';
import { parseSiteConfig } from '../shared/config.ts';
import { silentLog } from '../shared/log.ts';
import { processPhoto } from '../shared/media/process-image.ts';
import { publishUpload } from '../shared/publish/publish-upload.ts';
import { FsStore } from '../shared/storage/fs-store.ts';

/**
 * Child process of bench/photo-bench.ts: processes the given JPEG files (the four 12-megapixel
 * photos of a page) and prints the peak resident set size of the whole process, as the kernel
 * counted it: V8 heap, the upload buffers and everything libvips allocated outside the heap.
 * That is what a Lambda's memory setting has to hold.
 *
 * The peak is Linux's VmHWM (this process image only). `getrusage` maxRSS is no substitute: it
 * keeps the peak of the forked parent across exec, so the child would report the bench's own.
 *
 * `publish` runs the real publish path instead, on the filesystem store in `<data folder>`: the
 * front page's text, then the four photos as `01-古城韵味-<n>.jpg`, one publish after another as
 * one warm build function handles one upload event after another.
 *
 * argv: concurrent|sequential <file>…  |  publish <data folder> <file>…
 */
const [mode = 'concurrent', ...rest] = process.argv.slice(2);
const dataDir = mode === 'publish' ? rest.shift()! : '';
const files = rest;
const uploads = files.map((file) => new Uint8Array(readFileSync(file)));
const baselineMb = process.memoryUsage().rss / 2 ** 20;
let renditions = 0;
if (mode === 'publish') {
  const input = new FsStore(join(dataDir, 'incoming-store'));
  const deps = {
    input,
    site: new FsStore(join(dataDir, 'site')),
    clock: fixedClock('2024-12-01T02:00:00Z'),
    log: silentLog,
    config: parseSiteConfig({ siteUrl: 'https://news.example.cn' }),
  };
  const put = (key: string, body: Uint8Array) =>
    input.put(key, body, { contentType: 'application/octet-stream', cacheControl: 'no-store' });
  const text = 'incoming/2024-11-30/01.txt';
  await put(
    text,
    readFileSync(new URL('../test/fixtures/quzhou-daily-2024-11-30-page01.txt', import.meta.url)),
  );
  await publishUpload(deps, { type: 'created', key: text });
  for (const [i, bytes] of uploads.entries()) {
    const key = `incoming/2024-11-30/01-古城韵味-${i + 1}.jpg`;
    await put(key, bytes);
    const outcome = await publishUpload(deps, { type: 'created', key });
    if (outcome.report.ok !== true)
      throw new Error(`${key} was not published: ${JSON.stringify(outcome.report)}`);
    renditions += outcome.written.filter((written) => written.startsWith('media/')).length;
  }
} else if (mode === 'concurrent') {
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
