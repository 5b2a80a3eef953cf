import { describe, expect, it } from 'vitest';
import { renderIssuePage } from '../../shared/pages/render-issue-page.ts';
import { renderStatusPage } from '../../shared/pages/render-status-page.ts';
import { fixtureIds, fixtureIssue, testConfig } from '../serve/serve-fixtures.ts';
import { hostileText } from '../support/published-fixtures.ts';
import { htmlProblems } from './page-validation.ts';

describe('renderIssuePage', () => {
  it('renders valid HTML5 with every published article linked, page by page', async () => {
    const issue = fixtureIssue();
    const page = renderIssuePage(issue, testConfig);
    expect(await htmlProblems(page)).toEqual([]);
    const links = [
      ...page.matchAll(/href="https:\/\/news\.example\.cn\/articles\/2024-11-30\/(p[^"#]+)"/g),
    ].map((m) => m[1]);
    expect(links).toEqual(['p1-10000000', 'p1-10000001', 'p1-10000002', 'p2-10000003', 'p2-10000004']);
    expect(links).not.toContain(fixtureIds.retracted);
    expect(page).toContain('<h2 id="page-1-heading">第1版 要闻</h2>');
    expect(page).toContain('<h2 id="page-2-heading">第2版 综合</h2>');
    expect(page).toContain('<link rel="canonical" href="https://news.example.cn/articles/2024-11-30/">');
  });

  it('links every feed: all sections, each section, and the OPML', () => {
    const page = renderIssuePage(fixtureIssue(), testConfig);
    for (const slug of ['all', 'yaowen', 'zonghe'])
      for (const file of ['rss.xml', 'atom.xml', 'feed.json'])
        expect(page).toContain(`href="https://news.example.cn/feeds/${slug}/${file}"`);
    expect(page).toContain('href="https://news.example.cn/feeds.opml"');
  });

  it('renders as the home page with the site root as canonical', async () => {
    const page = renderIssuePage(fixtureIssue(), testConfig, { home: true });
    expect(await htmlProblems(page)).toEqual([]);
    expect(page).toContain('<link rel="canonical" href="https://news.example.cn/">');
    expect(page).toContain('最新一期');
  });

  it('escapes hostile titles and section names', async () => {
    const issue = fixtureIssue();
    issue.pages[0]!.section = hostileText.script;
    issue.pages[0]!.articles[0]!.title = hostileText.scriptClose;
    issue.pages[0]!.articles[0]!.kicker = hostileText.attribute;
    const page = renderIssuePage(issue, testConfig);
    expect(await htmlProblems(page)).toEqual([]);
    // The only script is the JSON-LD block, and the hostile text cannot end it.
    expect(page).not.toMatch(/<script(?! type="application\/ld\+json")/);
    expect(page.match(/<\/script>/g)).toHaveLength(1);
    expect(page).toContain('标题&lt;/script&gt;');
  });
});

describe('renderStatusPage', () => {
  it('renders a valid page with the given links and the latest issue', async () => {
    const page = renderStatusPage(testConfig, {
      title: '找不到这篇文章',
      message: '可能网址有误。',
      links: [{ href: 'https://news.example.cn/articles/2024-11-30/', label: '这一期的目录' }],
    });
    expect(await htmlProblems(page)).toEqual([]);
    expect(page).toContain('<h1>找不到这篇文章</h1>');
    expect(page).toContain('href="https://news.example.cn/articles/2024-11-30/"');
    expect(page).toContain('<a href="https://news.example.cn/">最新一期目录</a>');
  });
});
