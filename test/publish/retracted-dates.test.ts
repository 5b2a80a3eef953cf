import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/clock.ts';
import { parseSiteConfig } from '../../shared/config.ts';
import type { ArticleRecord, PublishedIssue } from '../../shared/model/published.ts';
import { parseJsonBytes } from '../../shared/publish/canonical-json.ts';
import { publishUpload } from '../../shared/publish/publish-upload.ts';
import { rebuildSite } from '../../shared/publish/rebuild-site.ts';
import { type CalendarDoc, decodeWindow } from '../../shared/publish/site-state.ts';
import {
  archiveKey,
  articleKey,
  calendarKey,
  feedKey,
  issueKey,
  latestIssueKey,
  opmlKey,
  windowKey,
} from '../../shared/site-layout.ts';
import { MemoryStore } from '../../shared/storage/memory-store.ts';
import { datesFrom, jsonUpload, syntheticIssue } from '../support/synthetic-issues.ts';
import { afterPublication, makeDeps, siteWithoutReports, text, upload } from './publish-kit.ts';

/**
 * A date whose articles are all retracted (every upload of it deleted) is no date of the feeds
 * any more: latest, calendar, windows, archive chains and OPML behave as if it had never been
 * published, while Atom keeps its tombstones as long as its entries would have stayed.
 */

const config = parseSiteConfig({ siteUrl: 'https://news.example.cn', windowIssues: 2 });
const shape = { pages: 2, articlesPerPage: 2, paragraphsPerArticle: 1, charsPerParagraph: 40 };
const [first, second, third, fourth] = datesFrom('2024-12-01', 4) as [string, string, string, string];

/** 要闻 and 综合 every day; the second date has 文化 instead of 综合 (a section only it has). */
const uploadOf = (date: string) =>
  jsonUpload(
    syntheticIssue(date, { ...shape, sections: date === second ? ['要闻', '文化'] : ['要闻', '综合'] }),
  );

const publishDate = async (deps: ReturnType<typeof makeDeps>, date: string) => {
  const u = uploadOf(date);
  await upload(deps.input, u.key, u.bytes);
  return publishUpload(deps, { type: 'created', key: u.key });
};

const removeDate = async (deps: ReturnType<typeof makeDeps>, date: string) => {
  const u = uploadOf(date);
  await deps.input.delete(u.key);
  return publishUpload(
    { ...deps, clock: fixedClock('2024-12-02T06:00:00Z') },
    { type: 'removed', key: u.key },
  );
};

const body = async (deps: ReturnType<typeof makeDeps>, key: string) => {
  const found = await deps.site.get(key);
  return found === undefined ? undefined : text(found.body);
};

const publishedTwo = async () => {
  const deps = makeDeps({ config, site: new MemoryStore() });
  await publishDate(deps, first);
  await publishDate(deps, second);
  return deps;
};

describe('a date whose articles are all retracted', () => {
  it('is no longer the latest issue: latest falls back to the newest date that has articles', async () => {
    const deps = await publishedTwo();
    expect(await body(deps, latestIssueKey)).toBe(await body(deps, issueKey(second)));
    expect((await removeDate(deps, second)).status).toBe('retracted');
    expect(await body(deps, latestIssueKey)).toBe(await body(deps, issueKey(first)));
  });

  it('leaves the calendar, the windows and every archive chain; neighbours are relinked', async () => {
    const deps = await publishedTwo();
    await publishDate(deps, third);
    await removeDate(deps, second);
    const calendar = parseJsonBytes<CalendarDoc>((await deps.site.get(calendarKey('2024')))!.body);
    expect(Object.keys(calendar.dates)).toEqual([first, third]);
    expect(calendar.departed).toBeUndefined();
    const all = decodeWindow((await deps.site.get(windowKey('all')))!.body);
    expect(all.dates).toEqual([third, first]);
    for (const slug of ['all', 'yaowen', 'wenhua']) {
      for (const format of ['rss', 'atom', 'json'] as const)
        expect(await deps.site.get(archiveKey(slug, second, format)), `${slug} ${format}`).toBeUndefined();
    }
    // The subscription document's prev-archive and the chain skip the removed date.
    expect(await body(deps, feedKey('all', 'rss'))).toContain(`/feeds/all/archive/${third}/rss.xml`);
    expect(await body(deps, archiveKey('all', third, 'rss'))).toContain(
      `/feeds/all/archive/${first}/rss.xml`,
    );
    expect(await body(deps, archiveKey('all', first, 'rss'))).toContain(
      `/feeds/all/archive/${third}/rss.xml`,
    );
    expect(await body(deps, archiveKey('yaowen', third, 'atom'))).not.toContain(`/archive/${second}/`);
  });

  it('drops a section that has no issue left from the OPML, and lists it again when it has one', async () => {
    const deps = await publishedTwo();
    expect(await body(deps, opmlKey)).toContain('/feeds/wenhua/rss.xml');
    await removeDate(deps, second);
    const opml = (await body(deps, opmlKey))!;
    expect(opml).not.toContain('/feeds/wenhua/');
    expect(opml).toContain('/feeds/zonghe/rss.xml');
    await publishDate(deps, second);
    expect(await body(deps, opmlKey)).toContain('/feeds/wenhua/rss.xml');
  });

  it('keeps its Atom tombstones while its entries would still be in the window, and its records', async () => {
    const deps = await publishedTwo();
    await removeDate(deps, second);
    const issue = parseJsonBytes<PublishedIssue>((await deps.site.get(issueKey(second)))!.body);
    const ids = issue.pages.flatMap((p) => p.articles.map((a) => a.id));
    expect(ids.length).toBe(4);
    for (const id of ids) {
      const record = parseJsonBytes<ArticleRecord>((await deps.site.get(articleKey(second, id)))!.body);
      expect(record.article.status).toBe('retracted');
      for (const slug of ['all', 'yaowen']) {
        expect(await body(deps, feedKey(slug, 'rss'))).not.toContain(`/articles/${second}/${id}<`);
      }
    }
    const tombstones = (atom: string | undefined) =>
      [...(atom ?? '').matchAll(/<at:deleted-entry ref="tag:[^,]+,([\d-]+):[^"]+"/g)].map((m) => m[1]);
    expect(tombstones(await body(deps, feedKey('all', 'atom')))).toEqual([second, second, second, second]);
    // 文化 had only this date: its feed is empty but for the tombstones.
    const wenhua = await body(deps, feedKey('wenhua', 'atom'));
    expect(tombstones(wenhua)).toEqual([second, second]);
    expect(wenhua).not.toContain('<entry>');

    // Two newer dates fill the 2-issue window: the tombstones are gone with the slot.
    await publishDate(deps, third);
    expect(tombstones(await body(deps, feedKey('all', 'atom')))).toEqual([second, second, second, second]);
    await publishDate(deps, fourth);
    expect(tombstones(await body(deps, feedKey('all', 'atom')))).toEqual([]);
    expect(decodeWindow((await deps.site.get(windowKey('all')))!.body).tombstones).toBeUndefined();
  });

  it('gives the same site whichever way it got there: published in order, removed, or rebuilt', async () => {
    const deps = await publishedTwo();
    await publishDate(deps, third);
    await removeDate(deps, second);
    const published = await siteWithoutReports(deps.site);
    const summary = await rebuildSite({
      site: deps.site,
      config,
      clock: fixedClock(afterPublication),
      log: deps.log,
    });
    expect(summary.written).toBe(0);
    expect(await siteWithoutReports(deps.site)).toEqual(published);
  });

  it('comes back whole when its upload is restored', async () => {
    const deps = await publishedTwo();
    const before = await siteWithoutReports(deps.site);
    await removeDate(deps, second);
    await publishDate(deps, second);
    const after = await siteWithoutReports(deps.site);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    expect(after[latestIssueKey]?.body).toContain(`"date":"${second}"`);
    expect(after[opmlKey]).toEqual(before[opmlKey]);
  });
});
