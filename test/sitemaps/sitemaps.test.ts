import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { PublishedIssue } from '../../shared/model/published.ts';
import { publishUpload } from '../../shared/publish/publish-upload.ts';
import { rebuildSite } from '../../shared/publish/rebuild-site.ts';
import { monthSitemapKey, newsSitemapKey, robotsKey, sitemapIndexKey } from '../../shared/site-layout.ts';
import { newsEntries, newsMaxUrls } from '../../shared/sitemaps/sitemap-state.ts';
import type { Store } from '../../shared/storage/store.ts';
import { parseXml } from '../feeds/xml-check.ts';
import { config, fixture, makeDeps, readIssue, snapshot, text, upload } from '../publish/publish-kit.ts';
import { CountingStore } from '../support/instrumented-store.ts';
import { makeIssue } from '../support/published-fixtures.ts';

/**
 * robots.txt, the sitemap index, the monthly sitemaps and the Google News sitemap as publishing
 * and the rebuild leave them; validated with a real XSD validator (xmllint, Debian libxml2-utils)
 * against the sitemaps.org and Google News schemas shipped in test/fixtures/sitemaps/.
 */

const run = promisify(execFile);
const xmllint = ['/usr/bin/xmllint', '/usr/local/bin/xmllint'].find((p) => existsSync(p));
if (xmllint === undefined)
  console.warn('sitemap schema checks skipped: no xmllint (Debian libxml2-utils; .ci/run installs it)');
const schema = (name: string) => fileURLToPath(new URL(`../fixtures/sitemaps/${name}`, import.meta.url));

const scratch = mkdtemp(join(tmpdir(), 'sitemaps-'));
afterAll(async () => rm(await scratch, { recursive: true, force: true }));

/** xmllint's verdict on a document against a schema: '' when valid, its complaint otherwise. */
const schemaErrors = async (xml: string, xsd: string): Promise<string> => {
  const file = join(await scratch, `${Math.random().toString(36).slice(2)}.xml`);
  await writeFile(file, xml);
  try {
    await run(xmllint!, ['--noout', '--schema', schema(xsd), file]);
    return '';
  } catch (error) {
    return String((error as { stderr?: string }).stderr ?? error);
  }
};

const key01 = 'incoming/2024-11-30/01.txt';
const key02 = 'incoming/2024-11-30/02.txt';
const body = async (site: Store, key: string) => {
  const found = await site.get(key);
  return found === undefined ? undefined : text(found.body);
};

const publishedSite = async () => {
  const deps = makeDeps();
  await upload(deps.input, key01, fixture('01'));
  await upload(deps.input, key02, fixture('02'));
  await publishUpload(deps, { type: 'created', key: key01 });
  await publishUpload(deps, { type: 'created', key: key02 });
  return deps;
};

/** Every live article of a date, as the month sitemap should list it. */
const liveArticles = (issue: PublishedIssue) =>
  issue.pages.flatMap((p) => p.articles.filter((a) => a.status !== 'retracted'));

describe('sitemaps maintained by publishing', () => {
  it('names both sitemaps in robots.txt', async () => {
    const { site } = await publishedSite();
    const robots = await body(site, robotsKey);
    expect(robots?.split('\n')).toEqual(
      expect.arrayContaining([
        'User-agent: *',
        `Sitemap: ${config.siteUrl}/sitemap.xml`,
        `Sitemap: ${config.siteUrl}/sitemaps/news.xml`,
      ]),
    );
    expect((await site.get(robotsKey))?.contentType).toBe('text/plain; charset=utf-8');
  });

  it('lists every live permalink of the month with its last real change, in an index of months', async () => {
    const { site } = await publishedSite();
    const issue = (await readIssue(site, '2024-11-30'))!;
    const month = parseXml((await body(site, monthSitemapKey('2024-11')))!).urlset.url as Array<{
      loc: string;
      lastmod: string;
    }>;
    const byLoc = new Map(month.map((u) => [u.loc, u.lastmod]));
    expect(byLoc.get(`${config.siteUrl}/articles/2024-11-30/`)).toBe(issue.updated);
    for (const a of liveArticles(issue))
      expect(byLoc.get(`${config.siteUrl}/articles/2024-11-30/${a.id}`), a.id).toBe(a.updated);
    expect(month).toHaveLength(liveArticles(issue).length + 1);
    const index = parseXml((await body(site, sitemapIndexKey))!).sitemapindex.sitemap;
    expect(index).toEqual({ loc: `${config.siteUrl}/sitemaps/2024-11.xml`, lastmod: issue.updated });
  });

  it('lists the last two days of articles for Google News, as 衢州日报 in zh-cn, +08:00', async () => {
    const { site } = await publishedSite();
    const issue = (await readIssue(site, '2024-11-30'))!;
    const urls = parseXml((await body(site, newsSitemapKey))!).urlset.url as Array<Record<string, unknown>>;
    expect(urls).toHaveLength(liveArticles(issue).length);
    for (const url of urls) {
      const news = url['news:news'] as Record<string, Record<string, string>>;
      expect(news['news:publication']).toEqual({ 'news:name': '衢州日报', 'news:language': 'zh-cn' });
      expect(news['news:publication_date']).toMatch(/^2024-11-30T\d{2}:\d{2}:\d{2}\+08:00$/);
      const article = liveArticles(issue).find((a) => (url.loc as string).endsWith(`/${a.id}`))!;
      expect(news['news:title']).toBe(article.title);
    }
  });

  it('takes a retracted article out, and moves the month’s lastmod', async () => {
    const deps = await publishedSite();
    const before = (await readIssue(deps.site, '2024-11-30'))!;
    const page2 = before.pages.find((p) => p.source === key02)!.articles.map((a) => a.id);
    await deps.input.delete(key02);
    await publishUpload(deps, { type: 'removed', key: key02 });
    const month = (await body(deps.site, monthSitemapKey('2024-11')))!;
    const news = (await body(deps.site, newsSitemapKey))!;
    for (const id of page2) {
      expect(month).not.toContain(`/${id}<`);
      expect(news).not.toContain(`/${id}<`);
    }
    const after = (await readIssue(deps.site, '2024-11-30'))!;
    const retractedAt = after.pages.flatMap((p) => p.articles).find((a) => a.retractedAt !== undefined)!
      .retractedAt!;
    expect(parseXml((await body(deps.site, sitemapIndexKey))!).sitemapindex.sitemap.lastmod).toBe(
      retractedAt,
    );
  });

  it('never lists the bucket, and writes nothing on a redelivery', async () => {
    const deps = await publishedSite();
    const site = new CountingStore(deps.site);
    const again = await publishUpload({ ...deps, site }, { type: 'created', key: key01 });
    expect(again.written).toEqual([]);
    expect(site.counts().list).toBe(0);
  });

  it('is what the rebuild renders from the issue documents, byte for byte', async () => {
    const { site, clock, log } = await publishedSite();
    const published = await snapshot(site);
    const discovery = (all: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(all).filter(
          ([k]) => k === robotsKey || k.startsWith('sitemap') || k.startsWith('state/sitemaps/'),
        ),
      );
    for (const key of Object.keys(discovery(published))) await site.delete(key);
    await rebuildSite({ site, config, clock, log });
    expect(discovery(await snapshot(site))).toEqual(discovery(published));
    expect(Object.keys(discovery(published))).toHaveLength(6);
  });
});

describe.skipIf(xmllint === undefined)('sitemaps against the published schemas (xmllint)', () => {
  it('validates the index, the month, and the News sitemap', async () => {
    const { site } = await publishedSite();
    expect(await schemaErrors((await body(site, sitemapIndexKey))!, 'siteindex.xsd')).toBe('');
    expect(await schemaErrors((await body(site, monthSitemapKey('2024-11')))!, 'sitemap.xsd')).toBe('');
    expect(await schemaErrors((await body(site, newsSitemapKey))!, 'news-sitemap.xsd')).toBe('');
  });

  it('catches what the schemas forbid (the check can fail)', async () => {
    const { site } = await publishedSite();
    const news = (await body(site, newsSitemapKey))!;
    expect(await schemaErrors(news.replace(/zh-cn/g, 'zh-CN'), 'news-sitemap.xsd')).toMatch(/language/);
    const month = (await body(site, monthSitemapKey('2024-11')))!;
    expect(await schemaErrors(month.replace(/<lastmod>[^<]+/, '<lastmod>30/11/2024'), 'sitemap.xsd')).toMatch(
      /lastmod/,
    );
  });
});

describe('newsEntries', () => {
  const issueOn = (date: string, count: number) => makeIssue(date, [['要闻', 'yaowen']], count);

  it('keeps the two days before the newest article, newest first', () => {
    const issues = [issueOn('2024-12-03', 2), issueOn('2024-12-02', 2), issueOn('2024-12-01', 2)];
    const entries = newsEntries(issues, config.siteUrl);
    const dates = new Set(entries.map((e) => e.published.slice(0, 10)));
    expect([...dates]).toEqual(['2024-12-03', '2024-12-02']);
    expect(entries.map((e) => e.published)).toEqual([...entries.map((e) => e.published)].sort().reverse());
  });

  it(`stops at ${newsMaxUrls} URLs`, () => {
    const entries = newsEntries([issueOn('2024-12-03', 1200)], config.siteUrl);
    expect(entries).toHaveLength(newsMaxUrls);
  });
});
