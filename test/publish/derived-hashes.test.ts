import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/clock.ts';
import { parseSiteConfig } from '../../shared/config.ts';
import { silentLog } from '../../shared/log.ts';
import { hashGroupOf, invalidatingStore } from '../../shared/publish/derived-hashes.ts';
import { publishUpload } from '../../shared/publish/publish-upload.ts';
import { rebuildSite } from '../../shared/publish/rebuild-site.ts';
import { dateHashKey } from '../../shared/site-layout.ts';
import { MemoryStore } from '../../shared/storage/memory-store.ts';
import type { Store } from '../../shared/storage/store.ts';
import { CountingStore } from '../support/instrumented-store.ts';
import { datesFrom, jsonUpload, syntheticIssue } from '../support/synthetic-issues.ts';
import { afterPublication, makeDeps, snapshot, upload } from './publish-kit.ts';

const config = parseSiteConfig({ siteUrl: 'https://news.example.cn', windowIssues: 3 });
const small = {
  pages: 2,
  articlesPerPage: 2,
  paragraphsPerArticle: 1,
  charsPerParagraph: 30,
  sections: ['要闻', '体育'],
};

const publishDates = async (site: Store, dates: readonly string[]) => {
  const deps = makeDeps({ config, site });
  for (const date of dates) {
    const part = jsonUpload(syntheticIssue(date, small), 'a');
    await upload(deps.input, part.key, part.bytes);
    await publishUpload(deps, { type: 'created', key: part.key });
  }
  return deps;
};

const rebuild = (site: Store, trustHashRecords?: boolean) =>
  rebuildSite({ site, config, clock: fixedClock(afterPublication), log: silentLog, trustHashRecords });

describe('hash records', () => {
  it('group article records and archives by date, upload indexes by bucket, and nothing else', () => {
    expect(hashGroupOf('articles/2024-12-01/a1.json')).toBe(dateHashKey('2024-12-01'));
    expect(hashGroupOf('feeds/tiyu/archive/2024-12-01/rss.xml')).toBe(dateHashKey('2024-12-01'));
    expect(hashGroupOf('state/uploads/incoming/2024-12-01/01.txt.json')).toMatch(
      /^state\/hashes\/uploads\/\d\d\.json$/,
    );
    for (const key of ['feeds/all/rss.xml', 'feeds.opml', 'issues/2024-12-01.json', 'state/windows/all.json'])
      expect(hashGroupOf(key)).toBeUndefined();
  });

  it('let a rebuild of an unchanged site read two objects per date (plus a fixed few) and write nothing', async () => {
    const dates = datesFrom('2024-12-01', 8);
    const site = new CountingStore((await publishDates(new MemoryStore(), dates)).site);
    await rebuild(site); // writes the records
    site.reset();
    const summary = await rebuild(site);
    expect(summary).toMatchObject({ written: 0, deleted: 0, records: 0 });
    const counts = site.counts();
    expect(counts.put).toBe(0);
    // Issue document + record per date; the rest does not grow with the dates: windows (3, read
    // as listed and again when compared), subscription feeds (9), latest, OPML, the calendar
    // (compared, then read for pruning), site config (read for the id authority, then compared),
    // the 32 upload buckets, and the sitemaps (2 state documents, this month's sitemap, the
    // index, the news sitemap and robots.txt: they grow with months, not dates).
    expect(counts.get).toBe(2 * dates.length + 2 * 3 + 9 + 2 + 2 + 2 + 32 + 6);
    // Without the records, every article record and archive is read back.
    site.reset();
    await rebuild(site, false);
    expect(site.counts().get).toBeGreaterThan(2 * dates.length + 48 + dates.length * 4);
  });

  it('are deleted by a publish that rewrites what they vouch for', async () => {
    const dates = datesFrom('2024-12-01', 3);
    const deps = await publishDates(new MemoryStore(), dates);
    await rebuild(deps.site);
    expect(await deps.site.get(dateHashKey(dates[2]!))).toBeDefined();
    expect(await deps.site.get(dateHashKey(dates[0]!))).toBeDefined();
    await publishDates(deps.site, datesFrom('2024-12-04', 1));
    // The new date's predecessor gained next-archive links: its record went with it.
    expect(await deps.site.get(dateHashKey(dates[2]!))).toBeUndefined();
    expect(await deps.site.get(dateHashKey(dates[0]!))).toBeDefined();
  });

  it('never make a rebuild skip an archive a publish rewrote since', async () => {
    const dates = datesFrom('2024-12-01', 3);
    const deps = await publishDates(new MemoryStore(), dates);
    await rebuild(deps.site);
    // A fourth date gives the third date's archives a next-archive link; then its issue
    // document is removed by hand, so the rebuild must take the link out again.
    const [fourth] = datesFrom('2024-12-04', 1) as [string];
    await publishDates(deps.site, [fourth]);
    await deps.site.delete(`issues/${fourth}.json`);
    await rebuild(deps.site);
    const expected = await snapshot((await publishDates(new MemoryStore(), dates)).site);
    const actual = await snapshot(deps.site);
    for (const key of Object.keys(expected).filter((k) => k.startsWith('feeds/')))
      expect(actual[key], key).toEqual(expected[key]);
  });

  it('are not written by a rebuild when a publish deleted the placeholder meanwhile', async () => {
    const site = (await publishDates(new MemoryStore(), datesFrom('2024-12-01', 2))).site;
    // The publish-side store deletes the record of a date before writing into it.
    let raced = false;
    const racing: Store = {
      get: (key) => site.get(key),
      list: (prefix) => site.list(prefix),
      delete: (key) => site.delete(key),
      put: async (key, body, options) => {
        const result = await site.put(key, body, options);
        if (!raced && key === dateHashKey('2024-12-01')) {
          raced = true;
          const tracked = invalidatingStore(site);
          await tracked.store.put('articles/2024-12-01/x.json', '{}', options);
          await tracked.settle();
        }
        return result;
      },
    };
    await rebuild(racing);
    expect(raced).toBe(true);
    expect(await site.get(dateHashKey('2024-12-01'))).toBeUndefined();
    expect(await site.get(dateHashKey('2024-12-02'))).toBeDefined();
  });
});

describe('writes behind', () => {
  it('make the rebuild fail with the first write that failed, once every write has settled', async () => {
    const site = (await publishDates(new MemoryStore(), datesFrom('2024-12-01', 3))).site;
    for await (const key of site.list('feeds/')) await site.delete(key);
    let inFlight = 0;
    const failing: Store = {
      get: (key) => site.get(key),
      list: (prefix) => site.list(prefix),
      delete: (key) => site.delete(key),
      put: async (key, body, options) => {
        inFlight += 1;
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        if (key === 'feeds/all/archive/2024-12-01/atom.xml') throw new Error('disk full');
        return site.put(key, body, options);
      },
    };
    await expect(rebuild(failing)).rejects.toThrow('disk full');
    expect(inFlight).toBe(0);
  });
});
