import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/clock.ts';
import { parseSiteConfig } from '../../shared/config.ts';
import { silentLog } from '../../shared/log.ts';
import { publishUpload } from '../../shared/publish/publish-upload.ts';
import { type RebuildProgress, rebuildSite } from '../../shared/publish/rebuild-site.ts';
import { MemoryStore } from '../../shared/storage/memory-store.ts';
import type { Store } from '../../shared/storage/store.ts';
import { CountingStore } from '../support/instrumented-store.ts';
import { datesFrom, issuePages, jsonUpload, syntheticIssue } from '../support/synthetic-issues.ts';
import { afterPublication, makeDeps, snapshot, upload } from './publish-kit.ts';

// maxDaysAhead: the synthetic dates run five weeks past the fixed clock.
const config = parseSiteConfig({ siteUrl: 'https://news.example.cn', windowIssues: 3, maxDaysAhead: 366 });
const small = {
  pages: 3,
  articlesPerPage: 2,
  paragraphsPerArticle: 2,
  charsPerParagraph: 40,
  sections: ['要闻', '综合', '体育'],
};

const allDates = datesFrom('2024-12-29', 5);

/** A site built by publishing five dates (two uploads each) across a year boundary. */
const publishedSite = async (dates: readonly string[] = allDates, withPage3 = true) => {
  const deps = makeDeps({ config, site: new MemoryStore() });
  for (const date of dates) {
    const issue = syntheticIssue(date, small);
    for (const part of [
      jsonUpload(issuePages(issue, [1, 2]), 'a'),
      ...(withPage3 ? [jsonUpload(issuePages(issue, [3]), 'b')] : []),
    ]) {
      await upload(deps.input, part.key, part.bytes);
      await publishUpload(deps, { type: 'created', key: part.key });
    }
  }
  return deps.site;
};

const rebuild = (site: Store, onProgress?: (p: RebuildProgress) => void) =>
  rebuildSite({ site, config, clock: fixedClock(afterPublication), log: silentLog, onProgress });

describe('rebuildSite', () => {
  it('rewrites nothing on a site the publishes left consistent', async () => {
    const site = await publishedSite();
    const before = await snapshot(site);
    const summary = await rebuild(site);
    expect(summary).toMatchObject({ dates: 5, articles: 30, written: 0, deleted: 0 });
    expect(await snapshot(site)).toEqual(before);
  });

  it('regenerates feeds, archives, records and state documents byte for byte from the issue documents', async () => {
    const site = await publishedSite();
    const clean = await snapshot(site);
    for (const key of Object.keys(clean)) {
      if (!key.startsWith('issues/') && !key.startsWith('reports/')) await site.delete(key);
    }
    await site.put('issues/latest.json', 'stale', { contentType: 'text/plain', cacheControl: 'no-store' });
    const progress: RebuildProgress[] = [];
    const summary = await rebuild(site, (p) => progress.push(p));
    expect(await snapshot(site)).toEqual(clean);
    expect(summary.written).toBe(
      Object.keys(clean).filter((k) => !k.startsWith('issues/2') && !k.startsWith('reports/')).length,
    );
    expect(progress.map((p) => p.datesDone)).toEqual([1, 2, 3, 4, 5]);
    expect(progress.at(-1)).toEqual({ datesDone: 5, datesTotal: 5, articlesDone: 30 });
  });

  it('lists the issue documents twice, and each other prefix it reads once', async () => {
    const site = new CountingStore(await publishedSite());
    await rebuild(site);
    // issues/ (and again before pruning, for dates a publish added meanwhile), state/windows/
    // (windows of sections without pages), state/media/ (dates with pictures, for the
    // calendars), feeds/, state/calendar/, state/hashes/dates/ and state/sitemaps/ (pruning).
    expect(site.counts().list).toBe(8);
  });

  /** The objects a rebuild derives and prunes: feeds, windows, calendars. */
  const derived = async (site: Store) =>
    Object.fromEntries(
      Object.entries(await snapshot(site)).filter(([key]) =>
        ['feeds/', 'state/windows/', 'state/calendar/', 'state/sitemaps/', 'sitemap'].some((prefix) =>
          key.startsWith(prefix),
        ),
      ),
    );

  it('deletes the feeds, archives and calendar of issue documents removed by hand', async () => {
    const site = await publishedSite();
    // The whole of 2024 (three dates) goes: its archives, and its calendar with them.
    const removed = allDates.filter((d) => d.startsWith('2024'));
    expect(removed).toHaveLength(3);
    for (const date of removed) await site.delete(`issues/${date}.json`);
    const summary = await rebuild(site);
    const expected = await derived(await publishedSite(allDates.filter((d) => !removed.includes(d))));
    expect(await derived(site)).toEqual(expected);
    expect(await site.get('state/calendar/2024.json')).toBeUndefined();
    // 4 feeds (all + 3 sections) × 3 formats × 3 dates, the calendar, and the month's sitemap
    // with its state document (the three dates are one month).
    expect(new Set(removed.map((d) => d.slice(0, 7)))).toHaveLength(1);
    expect(summary.deleted).toBe(4 * 3 * 3 + 1 + 2);
    // Records stay: a permalink keeps answering after its feeds are gone.
    const records = Object.keys(await snapshot(site)).filter((k) => k.startsWith(`articles/${removed[0]}/`));
    expect(records).toHaveLength(6);
  });

  it('empties the feeds of a section no issue document has any more, and deletes its archives', async () => {
    const site = await publishedSite();
    for (const date of allDates) {
      const issue = JSON.parse(new TextDecoder().decode((await site.get(`issues/${date}.json`))!.body));
      issue.pages = issue.pages.filter((p: { number: number }) => p.number !== 3);
      await site.put(`issues/${date}.json`, JSON.stringify(issue), {
        contentType: 'application/json; charset=utf-8',
        cacheControl: 'public, max-age=300',
      });
    }
    const summary = await rebuild(site);
    const withoutTiyu = (docs: Record<string, { body: string }>) =>
      Object.fromEntries(Object.entries(docs).filter(([key]) => !key.includes('tiyu')));
    const published = await derived(await publishedSite(allDates, false));
    expect(withoutTiyu(await derived(site))).toEqual(withoutTiyu(published));
    // 体育: 3 formats × 5 archives deleted; its window and feeds stay, emptied (as publishing
    // leaves a section whose pages all moved elsewhere), so subscribers get a feed, not a 404.
    expect(summary.deleted).toBe(3 * 5);
    const window = new TextDecoder().decode((await site.get('state/windows/tiyu.json'))!.body);
    expect(JSON.parse(window.split('\n')[0]!)).toMatchObject({ slug: 'tiyu', dates: [] });
    const rss = new TextDecoder().decode((await site.get('feeds/tiyu/rss.xml'))!.body);
    expect(rss).toContain('<channel>');
    expect(rss).not.toContain('<item>');
    expect(Object.keys(published).some((key) => key.includes('tiyu'))).toBe(false);
  });

  it('rewrites and deletes nothing after a page moved out of the only date of its section', async () => {
    const deps = makeDeps({ config, site: await publishedSite() });
    const date = allDates[2]!;
    const moved = syntheticIssue(date, { ...small, sections: ['要闻', '综合', '文化'] });
    const back = syntheticIssue(date, small);
    for (const part of [jsonUpload(issuePages(moved, [3]), 'b'), jsonUpload(issuePages(back, [3]), 'b')]) {
      await upload(deps.input, part.key, part.bytes);
      await publishUpload(deps, { type: 'created', key: part.key });
    }
    expect(await deps.site.get('state/windows/wenhua.json')).toBeDefined();
    expect(await rebuild(deps.site)).toMatchObject({ written: 0, deleted: 0 });
  });

  it('does not prune when an issue date appears while it rebuilds', async () => {
    const site = await publishedSite();
    await site.delete(`issues/${allDates[4]}.json`);
    // The date's issue document comes back after the rebuild listed issues/ (a publish).
    let listed = 0;
    const racing: Store = {
      get: (key) => site.get(key),
      put: (key, body, options) => site.put(key, body, options),
      delete: (key) => site.delete(key),
      list: (prefix) => {
        if (prefix === 'issues/' && ++listed === 2) return relisted(prefix);
        return site.list(prefix);
      },
    };
    const original = (await publishedSite()).get(`issues/${allDates[4]}.json`);
    async function* relisted(prefix: string) {
      const doc = (await original)!;
      await site.put(`issues/${allDates[4]}.json`, doc.body, {
        contentType: 'application/json',
        cacheControl: 'no-store',
      });
      yield* site.list(prefix);
    }
    const summary = await rebuild(racing);
    expect(summary.deleted).toBe(0);
    // Its archives, which pruning would have deleted, are still there.
    expect(await site.get(`feeds/all/archive/${allDates[4]}/rss.xml`)).toBeDefined();
  });

  it('leaves alone what it does not derive under the pruned prefixes', async () => {
    const site = await publishedSite();
    const options = { contentType: 'text/plain', cacheControl: 'no-store' };
    await site.put('feeds/README.txt', 'hand-made', options);
    await site.put('state/windows/notes.txt', 'hand-made', options);
    await site.put('feeds/all/archive/2024-12-30/notes.txt', 'hand-made', options);
    expect((await rebuild(site)).deleted).toBe(0);
    for (const key of [
      'feeds/README.txt',
      'state/windows/notes.txt',
      'feeds/all/archive/2024-12-30/notes.txt',
    ])
      expect(await site.get(key), key).toBeDefined();
  });
});

describe('rebuildSite agrees with publishing', () => {
  /** Publish one upload of the given pages of a synthetic issue whose second section is `section`. */
  const publishPages = async (
    deps: ReturnType<typeof makeDeps>,
    date: string,
    section: string,
    pages: number[],
    name: string,
  ) => {
    const issue = syntheticIssue(date, { ...small, pages: 2, sections: ['要闻', section] });
    const part = jsonUpload(issuePages(issue, pages), name);
    await upload(deps.input, part.key, part.bytes);
    return publishUpload(deps, { type: 'created', key: part.key });
  };

  /** Keys whose bytes or metadata a rebuild changes. */
  const changedByRebuild = async (site: Store) => {
    const before = await snapshot(site);
    await rebuild(site);
    const after = await snapshot(site);
    return Object.keys({ ...before, ...after }).filter(
      (key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]),
    );
  };

  // 综合 and 宗和 share the slug `zonghe`: a section renamed without its slug changing.
  it.each([
    ['in date order', ['综合', '宗和']],
    ['newest first', ['宗和', '综合']],
  ] as const)('rewrites nothing after a section is renamed under the same slug (%s)', async (_, order) => {
    const deps = makeDeps({ config, site: new MemoryStore() });
    const [older, newer] = datesFrom('2024-12-01', 2) as [string, string];
    for (const section of order)
      await publishPages(deps, section === '综合' ? older : newer, section, [1, 2], 'a');
    expect(await changedByRebuild(deps.site)).toEqual([]);
    // The feed and the OPML are titled after the newest issue; each archive after its own date.
    const text = async (key: string) => new TextDecoder().decode((await deps.site.get(key))!.body);
    expect(await text('feeds/zonghe/rss.xml')).toContain('<title>衢州日报 · 宗和</title>');
    expect(await text('feeds.opml')).toContain('衢州日报 · 宗和');
    expect(await text(`feeds/zonghe/archive/${older}/rss.xml`)).toContain('<title>衢州日报 · 综合</title>');
  });

  it('rewrites nothing after a page moved out of an older year of its section', async () => {
    const deps = makeDeps({ config, site: new MemoryStore() });
    await publishPages(deps, '2023-12-31', '文化', [1, 2], 'a');
    await publishPages(deps, '2024-01-01', '文化', [1, 2], 'a');
    await publishPages(deps, '2023-12-31', '体育', [2], 'b');
    expect(await changedByRebuild(deps.site)).toEqual([]);
  });

  it('leaves alone, and does not prune under, a window a publish creates while it runs', async () => {
    const deps = makeDeps({ config, site: new MemoryStore() });
    const issue = syntheticIssue('2024-12-01', small);
    const first = jsonUpload(issuePages(issue, [1, 2]), 'a');
    const added = jsonUpload(issuePages(issue, [3]), 'b');
    await upload(deps.input, first.key, first.bytes);
    await publishUpload(deps, { type: 'created', key: first.key });
    await upload(deps.input, added.key, added.bytes);
    // The publish adding 体育 to the date runs after the rebuild read the issue documents.
    const site = deps.site;
    let published = false;
    const racing: Store = {
      get: (key) => site.get(key),
      put: (key, body, options) => site.put(key, body, options),
      delete: (key) => site.delete(key),
      list: (prefix) => {
        if (prefix !== 'state/windows/' || published) return site.list(prefix);
        published = true;
        return (async function* () {
          await publishUpload(deps, { type: 'created', key: added.key });
          yield* site.list(prefix);
        })();
      },
    };
    const summary = await rebuild(racing);
    expect(published).toBe(true);
    expect(summary.deleted).toBe(0);
    const window = new TextDecoder().decode((await site.get('state/windows/tiyu.json'))!.body);
    expect(JSON.parse(window.split('\n')[0]!).dates).toEqual(['2024-12-01']);
    expect(await site.get('feeds/tiyu/archive/2024-12-01/rss.xml')).toBeDefined();
  });
});
