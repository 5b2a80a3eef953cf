import { parseSiteConfig } from '../shared/config.ts';
import { silentLog } from '../shared/log.ts';
import { publishUpload } from '../shared/publish/publish-upload.ts';
import { uploadLimits } from '../shared/readers/upload-limits.ts';
import { MemoryStore } from '../shared/storage/memory-store.ts';
import { SamplingStore, usedMemory } from './sampling-store.ts';
import { jsonUpload, syntheticIssue } from './synthetic-issues.ts';

/**
 * Child process of bench/limits-bench.ts (run with --expose-gc): publishes ONE worst accepted
 * upload (at the work limits of shared/readers/upload-limits.ts and under the 10 MB byte cap)
 * into an empty site, and prints its time and peak memory above the baseline as one JSON line.
 * Memory = V8 heap used + ArrayBuffers, sampled at every store request, as
 * bench/publish-memory-child.ts does.
 *
 * argv: briefs | long
 *   briefs: the most articles accepted (1,000 one-line briefs, 10 pages of 100)
 *   long:   the most articles accepted, together as long as the characters-per-upload cap allows
 */
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');
const mode = process.argv[2] ?? 'briefs';
const date = '2024-11-30';
const pages = 10;
const articlesPerPage = uploadLimits.articlesPerUpload / pages;
const issue = syntheticIssue(date, {
  pages,
  articlesPerPage,
  paragraphsPerArticle: mode === 'long' ? 4 : 1,
  // 1,000 articles × 4 paragraphs filling the characters-per-upload cap (titles take a little).
  charsPerParagraph:
    mode === 'long' ? Math.floor(uploadLimits.charsPerUpload / uploadLimits.articlesPerUpload / 4) - 5 : 12,
});
const upload = jsonUpload(issue);
const config = parseSiteConfig({ siteUrl: 'https://news.example.cn' });
if (upload.bytes.byteLength > config.maxUploadBytes)
  throw new Error(`upload of ${upload.bytes.byteLength} bytes is over the cap`);
const input = new MemoryStore();
await input.put(upload.key, upload.bytes, { contentType: 'application/json', cacheControl: 'no-store' });
const site = new SamplingStore(new MemoryStore());
gc();
gc();
const baseline = usedMemory();
const started = performance.now();
const clock = () => new Date(Date.parse(`${date}T12:00:00+08:00`));
const outcome = await publishUpload(
  { input, site, clock, log: silentLog, config },
  { type: 'created', key: upload.key },
);
const seconds = (performance.now() - started) / 1000;
if (outcome.status !== 'published')
  throw new Error(`publish ended ${outcome.status}: ${JSON.stringify(outcome.report)}`);
process.stdout.write(
  `${JSON.stringify({ seconds, peakMb: (site.peak - baseline) / 2 ** 20, bytes: upload.bytes.byteLength, articles: outcome.report.ok ? outcome.report.articles : 0 })}\n`,
);
