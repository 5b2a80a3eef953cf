import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/clock.ts';
import type { ArticleRecord } from '../../shared/model/published.ts';
import { articleJsonLd } from '../../shared/pages/json-ld.ts';
import { renderArticlePage } from '../../shared/pages/render-article-page.ts';
import { parseJsonBytes } from '../../shared/publish/canonical-json.ts';
import { publishUpload } from '../../shared/publish/publish-upload.ts';
import { articleKey, feedKey } from '../../shared/site-layout.ts';
import { htmlProblems } from '../pages/page-validation.ts';
import { config, fixture, makeDeps, readIssue, text, upload } from './publish-kit.ts';

/**
 * The 副刊 sample published end to end: feeds and permalinks show a poem's lines, its author,
 * the institutional author of a commentary, and the 更正 note on the article it corrects.
 */

const fukan = readFileSync(new URL('../fixtures/quzhou-daily-2024-11-30-page03-fukan.txt', import.meta.url));
const fukanKey = 'incoming/2024-11-30/03.txt';

const publishedFukan = async () => {
  const deps = makeDeps();
  await upload(deps.input, fukanKey, fukan);
  const outcome = await publishUpload(deps, { type: 'created', key: fukanKey });
  const issue = (await readIssue(deps.site, '2024-11-30'))!;
  const byTitle = (title: string) => issue.pages[0]!.articles.find((a) => a.title === title)!;
  const record = async (title: string) =>
    parseJsonBytes<ArticleRecord>((await deps.site.get(articleKey('2024-11-30', byTitle(title).id)))!.body);
  const body = async (key: string) => text((await deps.site.get(key))!.body);
  return { deps, outcome, byTitle, record, body };
};

const poemLines = '风从江面上来<br>把芦花吹成一场小雪<br>我站在浮石渡口';

describe('the 副刊 page as published', () => {
  it('reports no unplaced line and a correction target that is not in the site', async () => {
    const { outcome } = await publishedFukan();
    expect(outcome.report).toMatchObject({ ok: true, pages: [3], articles: 4 });
    expect(outcome.report).not.toHaveProperty('unplaced');
    expect(outcome.report.ok && outcome.report.warnings).toEqual([
      expect.stringContaining('corrects 2024-11-29 第2版《城区新增120个公共充电桩》'),
    ]);
  });

  it('keeps the poem’s line breaks and its author in RSS, Atom and JSON Feed', async () => {
    const { body } = await publishedFukan();
    const rss = await body(feedKey('fukan', 'rss'));
    expect(rss).toContain(poemLines);
    expect(rss).toContain('<dc:creator>作者 周晓燕</dc:creator>');
    expect(rss).toContain('<dc:creator>本报评论员</dc:creator>');
    const atom = await body(feedKey('fukan', 'atom'));
    expect(atom).toContain(poemLines);
    expect(atom).toContain('<author><name>作者 周晓燕</name></author>');
    const json = JSON.parse(await body(feedKey('fukan', 'json'))) as {
      items: Array<{ title: string; content_html: string; authors: Array<{ name: string }> }>;
    };
    const poem = json.items.find((i) => i.title === '初冬的信安湖')!;
    expect(poem.content_html).toContain(poemLines);
    expect(poem.authors).toEqual([{ name: '作者 周晓燕' }]);
    expect(json.items.find((i) => i.title === '更正')).toBeDefined();
  });

  it('renders the poem’s lines on its permalink and names the commentary’s institutional author', async () => {
    const { record } = await publishedFukan();
    const poem = renderArticlePage(await record('初冬的信安湖'), config);
    expect(poem).toContain('<p class="stanza">风从江面上来<br>\n把芦花吹成一场小雪<br>\n');
    expect(poem).toContain('<span class="role">作者</span>周晓燕');
    expect(await htmlProblems(poem)).toEqual([]);
    const commentary = renderArticlePage(await record('让“书香衢州”浸润每个日常'), config);
    expect(commentary).toContain('<p class="byline">本报评论员</p>');
    const ld = articleJsonLd(await record('让“书香衢州”浸润每个日常'), config) as { author?: unknown };
    expect(ld.author).toEqual([{ '@type': 'Organization', name: '本报评论员' }]);
  });

  it('shows a visible 更正 note and a CorrectionComment on the corrected article', async () => {
    const deps = makeDeps();
    const key02 = 'incoming/2024-11-30/02.txt';
    await upload(deps.input, key02, fixture('02'));
    await publishUpload(deps, { type: 'created', key: key02 });
    const pinglun = readFileSync(
      new URL('../fixtures/quzhou-daily-2024-12-02-page03-pinglun.txt', import.meta.url),
    );
    await upload(deps.input, 'incoming/2024-12-02/03.txt', pinglun);
    await publishUpload(
      { ...deps, clock: fixedClock('2024-12-02T03:00:00Z') },
      { type: 'created', key: 'incoming/2024-12-02/03.txt' },
    );
    const issue = (await readIssue(deps.site, '2024-11-30'))!;
    const target = issue.pages.flatMap((p) => p.articles).find((a) => a.corrections)!;
    const record = parseJsonBytes<ArticleRecord>(
      (await deps.site.get(articleKey('2024-11-30', target.id)))!.body,
    );
    const page = renderArticlePage(record, config);
    expect(page).toContain(
      '<aside class="correction"><p><strong>更正</strong>（<time datetime="2024-12-02">2024年12月2日</time>）',
    );
    expect(page).toContain('“12个”应为“13个”');
    expect(await htmlProblems(page)).toEqual([]);
    const ld = articleJsonLd(record, config) as { correction?: unknown; dateModified?: string };
    expect(ld.dateModified).toBe('2024-12-02T11:00:00+08:00');
    expect(ld.correction).toEqual([
      {
        '@type': 'CorrectionComment',
        text: target.corrections![0]!.text,
        datePublished: '2024-12-02T11:00:00+08:00',
        url: `https://news.example.cn/articles/2024-12-02/${target.corrections![0]!.noticeId}`,
      },
    ]);
  });
});
