import { parseSiteConfig } from '../shared/config.ts';
import { silentLog } from '../shared/log.ts';
import { publishUpload } from '../shared/publish/publish-upload.ts';
import { rebuildSite } from '../shared/publish/rebuild-site.ts';
import { sitePrefixes } from '../shared/site-layout.ts';
import { MemoryStore } from '../shared/storage/memory-store.ts';
import { datesFrom, jsonUpload, populateArchive, syntheticIssue } from '../test/support/synthetic-issues.ts';
import { SamplingStore, usedMemory } from './sampling-store.ts';

/**
 * Child process of bench/publish-bench.ts (run with --expose-gc): builds a store, collects
 * garbage, then measures the peak memory of ONE publish (or one rebuild) above that baseline.
 * Memory = V8 heap used + ArrayBuffers, sampled at store requests (bench/sampling-store.ts): at
 * every request of the publish, at one in 16 of the rebuild, whose speed is reported too.
 * Prints one JSON line.
 *
 * argv: publish <years> | rebuild <years>
 */

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

const [mode = 'publish', yearsText = '10'] = process.argv.slice(2);
const years = Number(yearsText);
const config = parseSiteConfig({ siteUrl: 'https://news.example.cn' });
const days = Math.round(years * 365.25);
const archive = { pages: 8, articlesPerPage: 5, paragraphsPerArticle: 2, charsPerParagraph: 60 };
const inner = new MemoryStore();
await populateArchive(inner, { ...archive, config, start: '2014-01-01', days, records: mode === 'publish' });
const next = datesFrom('2014-01-01', days + 1)[days]!;

gc();
gc();
const baseline = usedMemory();
let result: Record<string, number>;
if (mode === 'publish') {
  const site = new SamplingStore(inner);
  const input = new MemoryStore();
  const upload = jsonUpload(syntheticIssue(next, { pages: 8, articlesPerPage: 5 }));
  await input.put(upload.key, upload.bytes, { contentType: 'application/json', cacheControl: 'no-store' });
  const clock = () => new Date(Date.parse(`${next}T12:00:00+08:00`));
  await publishUpload({ input, site, clock, log: silentLog, config }, { type: 'created', key: upload.key });
  result = { peakMb: (site.peak - baseline) / 2 ** 20, days };
} else {
  const site = new SamplingStore(inner, {
    discard: (key) => key.startsWith(sitePrefixes.feeds) || key.startsWith(sitePrefixes.articles),
    sampleEvery: 16,
  });
  const started = performance.now();
  const summary = await rebuildSite({ site, config, clock: () => new Date(), log: silentLog });
  const seconds = (performance.now() - started) / 1000;
  result = {
    peakMb: (site.peak - baseline) / 2 ** 20,
    days,
    articles: summary.articles,
    perSecond: summary.articles / seconds,
  };
}
process.stdout.write(`${JSON.stringify(result)}\n`);
