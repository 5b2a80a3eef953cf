import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/clock.ts';
import { parseSiteConfig } from '../../shared/config.ts';
import { StorageError } from '../../shared/errors.ts';
import { silentLog } from '../../shared/log.ts';
import type { ArticleRecord } from '../../shared/model/published.ts';
import { parseJsonBytes } from '../../shared/publish/canonical-json.ts';
import { publishUpload } from '../../shared/publish/publish-upload.ts';
import { rebuildSite } from '../../shared/publish/rebuild-site.ts';
import {
  articleKey,
  feedKey,
  inputPrefix,
  issueKey,
  latestIssueKey,
  opmlKey,
  reportKey,
} from '../../shared/site-layout.ts';
import { MemoryStore } from '../../shared/storage/memory-store.ts';
import { FaultyStore } from '../support/instrumented-store.ts';
import { issuePages, jsonUpload, syntheticIssue } from '../support/synthetic-issues.ts';
import {
  afterPublication,
  config,
  fixture,
  makeDeps,
  readIssue,
  snapshot,
  text,
  upload,
} from './publish-kit.ts';

const key01 = 'incoming/2024-11-30/01.txt';
const key02 = 'incoming/2024-11-30/02.txt';

const publishedSite = async () => {
  const deps = makeDeps();
  await upload(deps.input, key01, fixture('01'));
  await upload(deps.input, key02, fixture('02'));
  await publishUpload(deps, { type: 'created', key: key01 });
  await publishUpload(deps, { type: 'created', key: key02 });
  return deps;
};

const rssLinks = (xml: string) => [...xml.matchAll(/<item>[\s\S]*?<link>([^<]+)<\/link>/g)].map((m) => m[1]!);

describe('publishUpload', () => {
  it('publishes a page: issue document, article records, feeds, archives, latest, OPML and a report', async () => {
    const deps = makeDeps();
    await upload(deps.input, key01, fixture('01'));
    const outcome = await publishUpload(deps, { type: 'created', key: key01 });
    expect(outcome.status).toBe('published');
    expect(outcome.report).toMatchObject({ ok: true, date: '2024-11-30', pages: [1], articles: 8 });
    const issue = (await readIssue(deps.site, '2024-11-30'))!;
    for (const article of issue.pages[0]!.articles) {
      const record = parseJsonBytes<ArticleRecord>(
        (await deps.site.get(articleKey('2024-11-30', article.id)))!.body,
      );
      expect(record.article).toEqual(article);
      expect(record.page.sectionSlug).toBe('yaowen');
    }
    for (const key of [
      feedKey('all', 'rss'),
      feedKey('yaowen', 'atom'),
      feedKey('yaowen', 'json'),
      latestIssueKey,
      opmlKey,
    ]) {
      expect(await deps.site.get(key), key).toBeDefined();
    }
    expect(text((await deps.site.get(latestIssueKey))!.body)).toBe(
      text((await deps.site.get(issueKey('2024-11-30')))!.body),
    );
    expect(JSON.parse(text((await deps.site.get(reportKey(key01)))!.body))).toMatchObject({
      ok: true,
      key: key01,
    });
  });

  it('sets content type and cache policy on every object and writes nothing under the input prefix', async () => {
    const { site } = await publishedSite();
    const objects = await snapshot(site);
    const expected = (key: string) => {
      if (key.endsWith('rss.xml')) return 'application/rss+xml; charset=utf-8';
      if (key.endsWith('atom.xml')) return 'application/atom+xml; charset=utf-8';
      if (key.endsWith('feed.json')) return 'application/feed+json; charset=utf-8';
      if (key.endsWith('.opml')) return 'text/x-opml; charset=utf-8';
      if (key.startsWith('state/windows/')) return 'application/x-ndjson; charset=utf-8';
      if (key === 'robots.txt') return 'text/plain; charset=utf-8';
      if (key.startsWith('sitemap')) return 'application/xml; charset=utf-8';
      return 'application/json; charset=utf-8';
    };
    const cache = (key: string) => {
      if (key.startsWith('reports/') || key.startsWith('state/')) return 'no-store';
      // The newest archive of a feed will still gain its next-archive link: short until then.
      if (key.includes('/archive/')) return 'public, max-age=300';
      return 'public, max-age=300';
    };
    expect(Object.keys(objects).length).toBeGreaterThan(20);
    for (const [key, object] of Object.entries(objects)) {
      expect(key.startsWith(inputPrefix), key).toBe(false);
      expect(object.contentType, key).toBe(expected(key));
      expect(object.cacheControl, key).toBe(cache(key));
    }
  });

  it('writes nothing when the same event is delivered again', async () => {
    const deps = await publishedSite();
    const before = await snapshot(deps.site);
    const again = await publishUpload(
      { ...deps, clock: fixedClock('2024-12-01T03:00:00Z') },
      {
        type: 'created',
        key: key01,
      },
    );
    expect(again.status).toBe('unchanged');
    expect(again.written).toEqual([]);
    expect(await snapshot(deps.site)).toEqual(before);
  });

  it('reports a bad upload, leaves the site byte-identical and does not throw', async () => {
    const deps = await publishedSite();
    const before = await snapshot(deps.site);
    const bad = 'incoming/2024-11-30/03.txt';
    await upload(
      deps.input,
      bad,
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]),
    );
    const outcome = await publishUpload(deps, { type: 'created', key: bad });
    expect(outcome.status).toBe('rejected');
    expect(outcome.written).toEqual([reportKey(bad)]);
    const report = JSON.parse(text((await deps.site.get(reportKey(bad)))!.body));
    expect(report).toMatchObject({ key: bad, ok: false, code: 'binary', at: '2024-12-01T10:00:00+08:00' });
    expect(typeof report.message).toBe('string');
    const after = await snapshot(deps.site);
    delete after[reportKey(bad)];
    expect(after).toEqual(before);
  });

  it('writes report times in Beijing time with +08:00 for publishes and removals', async () => {
    const deps = await publishedSite();
    const published = JSON.parse(text((await deps.site.get(reportKey(key01)))!.body));
    expect(published.at).toBe('2024-12-01T10:00:00+08:00');
    await deps.input.delete(key02);
    await publishUpload(
      { ...deps, clock: fixedClock('2024-12-01T17:30:05Z') },
      { type: 'removed', key: key02 },
    );
    const removed = JSON.parse(text((await deps.site.get(reportKey(key02)))!.body));
    expect(removed).toMatchObject({ retracted: true, at: '2024-12-02T01:30:05+08:00' });
  });

  it('throws on a transient storage fault so the event is retried', async () => {
    const deps = makeDeps();
    const site = new FaultyStore(new MemoryStore()).failOnPut(5);
    await upload(deps.input, key01, fixture('01'));
    await expect(publishUpload({ ...deps, site }, { type: 'created', key: key01 })).rejects.toBeInstanceOf(
      StorageError,
    );
  });

  it('retracts the articles of a deleted upload: tombstones in Atom, gone from RSS and JSON Feed', async () => {
    const deps = await publishedSite();
    const page2 = (await readIssue(deps.site, '2024-11-30'))!.pages.find((p) => p.number === 2)!;
    const rssBefore = text((await deps.site.get(feedKey('all', 'rss')))!.body);
    expect(rssLinks(rssBefore).some((l) => l.endsWith(page2.articles[0]!.id))).toBe(true);

    await deps.input.delete(key02);
    const outcome = await publishUpload(
      { ...deps, clock: fixedClock('2024-12-01T04:00:00Z') },
      { type: 'removed', key: key02 },
    );
    expect(outcome.status).toBe('retracted');
    expect(outcome.report).toMatchObject({ ok: true, retracted: true, date: '2024-11-30', pages: [2] });

    for (const article of page2.articles) {
      const record = parseJsonBytes<ArticleRecord>(
        (await deps.site.get(articleKey('2024-11-30', article.id)))!.body,
      );
      expect(record.article.status).toBe('retracted');
      expect(record.article.retractedAt).toBe('2024-12-01T12:00:00+08:00');
    }
    const rss = text((await deps.site.get(feedKey('all', 'rss')))!.body);
    const json = JSON.parse(text((await deps.site.get(feedKey('all', 'json')))!.body)) as {
      items: { url: string }[];
    };
    const atom = text((await deps.site.get(feedKey('all', 'atom')))!.body);
    for (const article of page2.articles) {
      expect(rssLinks(rss).some((l) => l.endsWith(`/${article.id}`))).toBe(false);
      expect(json.items.some((i) => i.url.endsWith(`/${article.id}`))).toBe(false);
      expect(atom).toMatch(new RegExp(`<at:deleted-entry ref="[^"]*${article.id}"`));
    }
    // page 1 is untouched (teasers are not items of their own)
    const page1 = (await readIssue(deps.site, '2024-11-30'))!.pages[0]!.articles;
    expect(rssLinks(rss).length).toBe(page1.filter((a) => a.kind !== 'teaser').length);
    // the zonghe (page 2) feed is now empty of items
    const zonghe = text((await deps.site.get(feedKey('zonghe', 'rss')))!.body);
    expect(rssLinks(zonghe)).toEqual([]);
  });

  it('writes nothing when a removal is delivered again', async () => {
    const deps = await publishedSite();
    await deps.input.delete(key02);
    await publishUpload(deps, { type: 'removed', key: key02 });
    const before = await snapshot(deps.site);
    const again = await publishUpload(
      { ...deps, clock: fixedClock('2024-12-03T00:00:00Z') },
      { type: 'removed', key: key02 },
    );
    expect(again).toMatchObject({ status: 'unchanged', written: [] });
    expect(await snapshot(deps.site)).toEqual(before);
  });

  it('does not retract a page another upload has replaced when the old upload is deleted', async () => {
    const deps = await publishedSite();
    const replacement = 'incoming/2024-11-30/02.corrected.txt';
    await upload(deps.input, replacement, fixture('02'));
    await publishUpload(deps, { type: 'created', key: replacement });
    await deps.input.delete(key02);
    await publishUpload(deps, { type: 'removed', key: key02 });
    const page2 = (await readIssue(deps.site, '2024-11-30'))!.pages.find((p) => p.number === 2)!;
    expect(page2.source).toBe(replacement);
    expect(page2.articles.every((a) => a.status === 'published')).toBe(true);
  });

  it('retracts when a created event arrives for an upload that is already gone', async () => {
    const deps = await publishedSite();
    await deps.input.delete(key01);
    const outcome = await publishUpload(deps, { type: 'created', key: key01 });
    expect(outcome.status).toBe('retracted');
    const issue = (await readIssue(deps.site, '2024-11-30'))!;
    expect(issue.pages[0]!.articles.every((a) => a.status === 'retracted')).toBe(true);
  });

  it('publishes when a removed event arrives for an upload that exists again', async () => {
    const deps = makeDeps();
    await upload(deps.input, key01, fixture('01'));
    const outcome = await publishUpload(deps, { type: 'removed', key: key01 });
    expect(outcome.status).toBe('published');
    expect((await readIssue(deps.site, '2024-11-30'))!.pages[0]!.articles.length).toBe(8);
  });

  it('warns in the report when a section shares its feed slug with another 版名, until sectionSlugs separates them', async () => {
    // 综合 and 宗和 are both `zonghe` in pinyin: without an override they share one feed.
    const shape = { pages: 2, articlesPerPage: 2, paragraphsPerArticle: 1, charsPerParagraph: 40 };
    const first = syntheticIssue('2024-11-29', { ...shape, sections: ['要闻', '综合'] });
    const second = syntheticIssue('2024-11-30', { ...shape, sections: ['要闻', '宗和'] });
    const deps = makeDeps();
    const publish = async (d: typeof deps, u: { key: string; bytes: Uint8Array }) => {
      await upload(d.input, u.key, u.bytes);
      return publishUpload(d, { type: 'created', key: u.key });
    };
    const firstReport = (await publish(deps, jsonUpload(first, 'all'))).report;
    expect(firstReport).not.toHaveProperty('warnings');
    const clash = jsonUpload(issuePages(second, [2]), 'p2');
    const { report } = await publish(deps, clash);
    expect(report.ok && report.warnings).toEqual([
      expect.stringContaining('版名 宗和 (page 2) shares the feed slug "zonghe" with 综合'),
    ]);
    expect(text((await deps.site.get(reportKey(clash.key)))!.body)).toContain('宗和');
    // One feed carries both sections' items (sections select pages by slug), titled after the newest.
    const shared = text((await deps.site.get('feeds/zonghe/rss.xml'))!.body);
    expect(shared).toContain('/articles/2024-11-29/p2-');
    expect(shared).toContain('/articles/2024-11-30/p2-');

    const separated = {
      ...deps,
      config: parseSiteConfig({ siteUrl: config.siteUrl, sectionSlugs: { 宗和: 'zonghe-2' } }),
    };
    const again = (await publish(separated, clash)).report;
    expect(again).not.toHaveProperty('warnings');
    const own = text((await deps.site.get('feeds/zonghe-2/rss.xml'))!.body);
    expect(own).toContain('<title>衢州日报 · 宗和</title>');
    expect(own).toContain('/articles/2024-11-30/p2-');
    // The 综合 feed keeps its own items, and its title again.
    const zonghe = text((await deps.site.get('feeds/zonghe/rss.xml'))!.body);
    expect(zonghe).not.toContain('/articles/2024-11-30/p2-');
    expect(zonghe).toContain('/articles/2024-11-29/p2-');
    expect(zonghe).toContain('<title>衢州日报 · 综合</title>');
  });

  it('warns from the feed as it stands: alike after a rebuild, and no more once the other 版名 has left', async () => {
    const shape = { pages: 2, articlesPerPage: 2, paragraphsPerArticle: 1, charsPerParagraph: 40 };
    const page2 = (date: string, section: string) =>
      jsonUpload(issuePages(syntheticIssue(date, { ...shape, sections: ['要闻', section] }), [2]), 'p2');
    const zonghe = page2('2024-11-29', '综合');
    const zonghe2 = page2('2024-11-30', '宗和');
    const deps = makeDeps();
    const warningsOf = async (u: { key: string; bytes: Uint8Array }) => {
      await upload(deps.input, u.key, u.bytes);
      const { report } = await publishUpload(deps, { type: 'created', key: u.key });
      return report.ok ? report.warnings : undefined;
    };
    expect(await warningsOf(zonghe)).toBeUndefined();
    const warned = await warningsOf(zonghe2);
    expect(warned).toEqual([expect.stringContaining('shares the feed slug "zonghe" with 综合')]);
    await rebuildSite({ site: deps.site, config, clock: fixedClock(afterPublication), log: silentLog });
    expect(await warningsOf(zonghe2)).toEqual(warned);
    await deps.input.delete(zonghe.key);
    await publishUpload(deps, { type: 'removed', key: zonghe.key });
    expect(await warningsOf(zonghe2)).toBeUndefined();
  });

  it('keeps ids across a corrected re-upload of a page', async () => {
    const deps = await publishedSite();
    const before = (await readIssue(deps.site, '2024-11-30'))!.pages[0]!.articles.map((a) => a.id);
    const corrected = text(fixture('01')).replace(
      '高屹率团赴韩国开展经贸考察访问',
      '高屹率团赴韩国开展经贸考查访问',
    );
    await upload(deps.input, key01, corrected);
    await publishUpload(
      { ...deps, clock: fixedClock('2024-12-02T00:00:00Z') },
      { type: 'created', key: key01 },
    );
    const after = (await readIssue(deps.site, '2024-11-30'))!.pages[0]!.articles;
    expect(after.map((a) => a.id)).toEqual(before);
    expect(after.find((a) => a.title.includes('考查'))?.updated).toBe('2024-12-02T08:00:00+08:00');
  });
});
