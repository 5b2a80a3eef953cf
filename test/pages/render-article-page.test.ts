import { describe, expect, it } from 'vitest';
import type { PublishedArticle } from '../../shared/model/published.ts';
import { renderArticlePage } from '../../shared/pages/render-article-page.ts';
import { fixtureIssue, recordOf, testConfig } from '../serve/serve-fixtures.ts';
import { hostileText } from '../support/published-fixtures.ts';
import { htmlProblems, jsonLdBlocks } from './page-validation.ts';

const issue = fixtureIssue();
const recordWith = (overrides: Partial<PublishedArticle>) =>
  recordOf(issue, { ...issue.pages[0]!.articles[0]!, ...overrides });

const full = recordWith({
  kicker: '引题：扎实推进高水平对外开放',
  title: '高屹率团赴韩国开展经贸考察访问',
  subtitle: '加快培育高质量发展新动能',
  column: '要闻速递',
  byline: [
    { name: '胡灵萍', role: 'reporter' },
    { name: '郑菁菁', role: 'reporter' },
    { name: '余黎红', role: 'correspondent' },
    { name: '李若莹', role: 'correspondent' },
  ],
  caption: '代表团参观企业展厅。',
  jump: { page: 2, label: '详见今日第二版' },
  jumpTarget: { page: 2, id: 'p2-10000003', title: '第4篇 新闻标题' },
  updated: '2024-11-30T14:05:00+08:00',
});

describe('renderArticlePage', () => {
  it('renders valid HTML5 in Chinese', async () => {
    const page = renderArticlePage(full, testConfig);
    expect(await htmlProblems(page)).toEqual([]);
    expect(page.startsWith('<!DOCTYPE html>\n<html lang="zh-CN">')).toBe(true);
    expect(page).not.toMatch(/<script(?! type="application\/ld\+json")/);
    expect(page).not.toMatch(/\s(src|srcset)=/);
  });

  it('shows kicker, title, subtitle, bylines with Chinese role labels, date, section and page', () => {
    const page = renderArticlePage(full, testConfig);
    expect(page).toContain('<p class="kicker">引题：扎实推进高水平对外开放</p>');
    expect(page).toContain('<h1>高屹率团赴韩国开展经贸考察访问</h1>');
    expect(page).toContain('<p class="subtitle">加快培育高质量发展新动能</p>');
    expect(page).toContain(
      '<p class="byline"><span class="role">记者</span>胡灵萍 郑菁菁<span class="role">通讯员</span>余黎红 李若莹</p>',
    );
    expect(page).toContain('<time datetime="2024-11-30T05:00:00+08:00">2024年11月30日</time> 星期六');
    expect(page).toContain('第1版 要闻');
    expect(page).toContain('总第13355期');
    expect(page).toContain('<p class="caption"><strong>图片说明</strong>代表团参观企业展厅。</p>');
    expect(page).toContain('<p><span class="dateline">本报讯</span> 2024-11-30 第1篇的第一段。</p>');
    expect(page).toContain('更新于 <time datetime="2024-11-30T14:05:00+08:00">2024年11月30日 14:05</time>');
    expect(page).toContain('责任编辑：林俊');
  });

  it('links a resolved jump to the target article and an unresolved one to the page in the contents', () => {
    expect(renderArticlePage(full, testConfig)).toContain(
      '<a href="https://news.example.cn/articles/2024-11-30/p2-10000003">详见今日第二版：第4篇 新闻标题</a>',
    );
    const unresolved = renderArticlePage(recordWith({ jump: { page: 4 } }), testConfig);
    expect(unresolved).toContain(
      '<a href="https://news.example.cn/articles/2024-11-30/#page-4">详见今日第4版</a>',
    );
  });

  it('announces the section’s feeds and the all-sections feeds for autodiscovery, and the canonical URL', () => {
    const page = renderArticlePage(full, testConfig);
    const alternates = [
      ...page.matchAll(/<link rel="alternate" type="([^"]+)" title="[^"]+" href="([^"]+)">/g),
    ].map((m) => `${m[1]} ${m[2]}`);
    expect(alternates).toEqual([
      'application/rss+xml https://news.example.cn/feeds/yaowen/rss.xml',
      'application/atom+xml https://news.example.cn/feeds/yaowen/atom.xml',
      'application/feed+json https://news.example.cn/feeds/yaowen/feed.json',
      'application/rss+xml https://news.example.cn/feeds/all/rss.xml',
      'application/atom+xml https://news.example.cn/feeds/all/atom.xml',
      'application/feed+json https://news.example.cn/feeds/all/feed.json',
    ]);
    expect(page).toContain(
      '<link rel="canonical" href="https://news.example.cn/articles/2024-11-30/p1-10000000">',
    );
    expect(page).toContain('<meta property="og:title" content="高屹率团赴韩国开展经贸考察访问">');
    expect(page).toContain('<meta property="article:published_time" content="2024-11-30T05:00:00+08:00">');
  });

  it('describes the article as a NewsArticle that is part of its PublicationIssue', () => {
    const [ld] = jsonLdBlocks(renderArticlePage(full, testConfig)) as Array<Record<string, unknown>>;
    expect(ld).toMatchObject({
      '@context': 'https://schema.org',
      '@type': 'NewsArticle',
      url: 'https://news.example.cn/articles/2024-11-30/p1-10000000',
      headline: '高屹率团赴韩国开展经贸考察访问',
      alternativeHeadline: '加快培育高质量发展新动能',
      inLanguage: 'zh-CN',
      datePublished: '2024-11-30T05:00:00+08:00',
      dateModified: '2024-11-30T14:05:00+08:00',
      articleSection: '要闻',
      pageStart: 1,
      isPartOf: {
        '@type': 'PublicationIssue',
        issueNumber: 13355,
        pageStart: 1,
        pageEnd: 2,
        datePublished: '2024-11-30T05:00:00+08:00',
        isPartOf: { '@type': 'Periodical', name: '衢州日报' },
      },
    });
    expect(ld!.author).toEqual([
      { '@type': 'Person', name: '胡灵萍', jobTitle: '记者' },
      { '@type': 'Person', name: '郑菁菁', jobTitle: '记者' },
      { '@type': 'Person', name: '余黎红', jobTitle: '通讯员' },
      { '@type': 'Person', name: '李若莹', jobTitle: '通讯员' },
    ]);
  });

  it('renders hostile text as text in HTML and in JSON-LD', async () => {
    const record = recordWith({
      kicker: hostileText.script,
      title: hostileText.scriptClose,
      subtitle: hostileText.attribute,
      column: hostileText.ampersand,
      caption: hostileText.cdataEnd,
      byline: [{ name: hostileText.attribute, role: 'photographer' }],
      paragraphs: [hostileText.controls, hostileText.script, hostileText.ampersand],
      jump: { page: 2, label: hostileText.scriptClose },
      jumpTarget: { page: 2, id: 'p2-10000003', title: hostileText.script },
    });
    const page = renderArticlePage(record, testConfig);
    expect(await htmlProblems(page)).toEqual([]);
    // Only the JSON-LD script element exists, and exactly one closing tag.
    expect(page.match(/<script/g)).toHaveLength(1);
    expect(page.match(/<\/script>/g)).toHaveLength(1);
    expect(page).not.toContain('<!--');
    expect(page).not.toContain('<tag>');
    expect(page).toContain('<h1>标题&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(page).toContain('R&amp;D &amp; AT&amp;T &amp;amp; &amp;lt;');
    expect(page).toContain('&quot;quoted&quot; &lt;tag&gt; &#39;single&#39;');
    // Characters that may not appear in HTML are dropped, the text around them kept.
    expect(page).toContain('<p><span class="dateline">本报讯</span> badchars</p>');
    expect(page).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/);

    const [ld] = jsonLdBlocks(page) as Array<Record<string, unknown>>;
    expect(ld!.headline).toBe(hostileText.scriptClose);
    expect(ld!.alternativeHeadline).toBe(hostileText.attribute);
    expect(ld!.contributor).toEqual([{ '@type': 'Person', name: hostileText.attribute, jobTitle: '摄影' }]);
  });

  it('is deterministic for the same record and config', () => {
    expect(renderArticlePage(full, testConfig)).toBe(renderArticlePage(structuredClone(full), testConfig));
  });
});
