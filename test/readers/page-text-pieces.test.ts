import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Article } from '../../shared/model/issue.ts';
import { readPageText, readPageTextReport } from '../../shared/readers/page-text-reader.ts';

/**
 * Pages beyond news: 副刊 (verse, essays), 评论 (commentary, letters, corrections) and 人文
 * (short pieces under column labels). The 副刊 page is the public sample; the other two are
 * written for these tests in the layouts the paper uses.
 */

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

const fukan = fixture('quzhou-daily-2024-11-30-page03-fukan.txt');
const pinglun = fixture('quzhou-daily-2024-12-02-page03-pinglun.txt');
const renwen = fixture('quzhou-daily-2024-12-02-page04-renwen.txt');

describe('readPageText on the 副刊 sample (every line its own block)', () => {
  const reading = readPageTextReport(fukan, {
    key: 'incoming/2024-11-30/03.txt',
    date: '2024-11-30',
    page: 3,
  });
  const page = reading.issue.pages[0]!;
  const [poem, essay, commentary, correction, ...rest] = page.articles as Article[];

  it('reads the page header and the editor', () => {
    expect(reading.issue.date).toBe('2024-11-30');
    expect(page).toMatchObject({ number: 3, section: '副刊', editor: '徐丽' });
  });

  it('finds four pieces, each with its own title and kind', () => {
    expect(rest).toEqual([]);
    expect(page.articles.map((a) => [a.kind, a.title])).toEqual([
      ['verse', '初冬的信安湖'],
      ['essay', '外婆的柿饼'],
      ['commentary', '让“书香衢州”浸润每个日常'],
      ['correction', '更正'],
    ]);
  });

  it('keeps the nine lines of 初冬的信安湖 as lines, under its author', () => {
    expect(poem!.byline).toEqual([{ name: '周晓燕', role: 'author' }]);
    expect(poem!.kicker).toBeUndefined();
    expect(poem!.column).toBeUndefined();
    expect(poem!.subtitle).toBeUndefined();
    expect(poem!.paragraphs.flatMap((stanza) => stanza.split('\n'))).toEqual([
      '风从江面上来',
      '把芦花吹成一场小雪',
      '我站在浮石渡口',
      '看一只白鹭',
      '收起整个秋天',
      '岸边的银杏还在落',
      '一片,又一片',
      '像是替远行的人',
      '数着归期',
    ]);
  });

  it('reads 外婆的柿饼 as an essay by 郑一鸣 in three paragraphs, joining its column break', () => {
    expect(essay).toMatchObject({ kind: 'essay', byline: [{ name: '郑一鸣', role: 'author' }] });
    expect(essay!.kicker).toBeUndefined();
    expect(essay!.paragraphs).toHaveLength(3);
    expect(essay!.paragraphs[0]).toContain('晒在老屋的瓦檐下。柿子要晒足二十天');
    expect(essay!.paragraphs[2]).toBe('如今外婆已经八十七岁,竹匾还在,柿饼的味道也还在。');
  });

  it('reads the commentary under its own title with 本报评论员 as its institutional author', () => {
    expect(commentary).toMatchObject({
      kind: 'commentary',
      byline: [{ name: '本报评论员', role: 'institution' }],
    });
    expect(commentary!.column).toBeUndefined();
    expect(commentary!.paragraphs).toHaveLength(2);
    expect(commentary!.paragraphs[1]).toBe('这需要我们在活动设计上多下功夫,让阅读从“任务”变成“习惯”。');
  });

  it('reads the 更正 notice as a correction of 2024-11-29 page 2', () => {
    expect(correction).toMatchObject({
      kind: 'correction',
      corrects: { date: '2024-11-29', page: 2, title: '城区新增120个公共充电桩' },
      byline: [],
    });
    expect(correction!.paragraphs).toEqual([
      '本报11月29日第2版《城区新增120个公共充电桩》一文中,“120个”应为“102个”,特此更正。',
    ]);
  });

  it('places every line: nothing is unplaced', () => {
    expect(reading.unplaced).toEqual([]);
  });
});

describe('readPageText on a 评论 page with a letter and a correction', () => {
  const reading = readPageTextReport(pinglun);
  const page = reading.issue.pages[0]!;
  const [guest, staff, letter, correction] = page.articles as Article[];

  it('reads four pieces in order', () => {
    expect(page).toMatchObject({ number: 3, section: '评论', editor: '方敏' });
    expect(page.articles.map((a) => [a.kind, a.title])).toEqual([
      ['commentary', '让“一件事”真正一次办成'],
      ['commentary', '守住“小切口”'],
      ['letter', '小区门口的路灯何时能亮'],
      ['correction', '更正'],
    ]);
    expect(reading.unplaced).toEqual([]);
  });

  it('reads □ 特约评论员 as the commentary’s author, not as a title', () => {
    expect(guest).toMatchObject({ column: '时评', byline: [{ name: '钱程', role: 'commentator' }] });
    expect(guest!.paragraphs).toHaveLength(2);
  });

  it('keeps the second commentary apart from the first and repairs its column break', () => {
    expect(staff).toMatchObject({
      subtitle: '做好“大文章”',
      byline: [{ name: '本报评论员', role: 'institution' }],
    });
    expect(staff!.paragraphs[1]).toMatch(/也考验着治理的精细程度。$/);
  });

  it('reads 读者来信 as the letter’s column and its signature as its author', () => {
    expect(letter).toMatchObject({ column: '读者来信', byline: [{ name: '赵六', role: 'reader' }] });
    expect(letter!.paragraphs).toEqual([
      '我住在柯城区某小区,小区门口的三盏路灯已经坏了一个多月,晚上出行很不方便,老人孩子更是提心吊胆。希望有关部门尽快维修。',
    ]);
  });

  it('keeps the signature out of the correction after it', () => {
    expect(correction!.kicker).toBeUndefined();
    expect(correction).toMatchObject({
      kind: 'correction',
      corrects: { date: '2024-11-30', page: 2, title: '衢江区三个村入选省级未来乡村创建名单' },
    });
  });
});

describe('readPageText on a 人文 page of short pieces under column labels', () => {
  const reading = readPageTextReport(renwen);
  const articles = reading.issue.pages[0]!.articles;

  it('gives each piece its column label, title, kind and credits', () => {
    expect(articles.map((a) => [a.kind, a.column, a.title])).toEqual([
      ['essay', '衢州记忆', '老城墙下的豆腐摊'],
      ['verse', '诗苑', '江郎山'],
      ['news', '书香', '在书房里过一个周末'],
    ]);
    expect(articles[0]!.byline).toEqual([
      { name: '张三', role: 'author' },
      { name: '李四', role: 'photographer' },
    ]);
    expect(articles[2]!.byline).toEqual([
      { name: '王五', role: 'reporter' },
      { name: '王五', role: 'photographer' },
    ]);
    expect(reading.unplaced).toEqual([]);
  });

  it('keeps a poem’s stanzas apart where blank lines separate them', () => {
    expect(articles[1]!.byline).toEqual([{ name: '王芳', role: 'author' }]);
    expect(articles[1]!.paragraphs).toEqual([
      '三块石头\n站成三个问号\n云来的时候\n它们不说话',
      '云走了\n它们还站着',
    ]);
  });

  it('joins a hard-wrapped essay paragraph and reads the end signature into the byline once', () => {
    expect(articles[0]!.paragraphs).toHaveLength(2);
    expect(articles[0]!.paragraphs[0]).toContain('石磨转了三十年,豆香也飘了三十年。');
    expect(articles[2]!.paragraphs).toHaveLength(2);
  });
});

describe('readPageText verse and structure rules', () => {
  const hints = { date: '2024-11-30', page: 3 };
  const articlesOf = (lines: string[]) => readPageText(lines.join('\n'), hints).pages[0]!.articles;

  it('never joins verse lines, though none ends a sentence', () => {
    const [poem] = articlesOf(['秋夜', '□ 李明', '月亮爬上山岗', '照着回家的路', '也照着', '没有回家的人']);
    expect(poem).toMatchObject({
      kind: 'verse',
      paragraphs: ['月亮爬上山岗\n照着回家的路\n也照着\n没有回家的人'],
    });
  });

  it('reads short prose sentences under an author as paragraphs, not as verse', () => {
    const [essay] = articlesOf(['冬日', '作者 张三', '天冷了。', '炉子生起来了。', '一家人围坐着。']);
    expect(essay).toMatchObject({
      kind: 'essay',
      paragraphs: ['天冷了。', '炉子生起来了。', '一家人围坐着。'],
    });
  });

  it('does not read hard-wrapped prose under an author as verse', () => {
    const [essay] = articlesOf([
      '冬日',
      '作者 张三',
      '每年霜降一过,外婆就搬出竹匾,把削',
      '好皮的柿子一个个摆上去,晒在老屋',
      '的瓦檐下,等着它们慢慢变甜、变软',
      '了才收。',
    ]);
    expect(essay!.kind).toBe('essay');
    expect(essay!.paragraphs).toEqual([
      '每年霜降一过,外婆就搬出竹匾,把削好皮的柿子一个个摆上去,晒在老屋的瓦檐下,等着它们慢慢变甜、变软了才收。',
    ]);
  });

  it('reads a correction printed on one line and a 更正 under a story as items of their own', () => {
    const articles = articlesOf([
      '城区新增充电桩',
      '本报讯(记者 张三)今年以来,市区新建公共充电桩。',
      '更正',
      '本报2024年11月29日《城区新增120个公共充电桩》一文有误,特此更正。',
      '更正:本报12月31日第十二版《年终盘点》一文中日期有误,特此更正。',
    ]);
    expect(articles.map((a) => [a.kind, a.corrects])).toEqual([
      ['news', undefined],
      ['correction', { date: '2024-11-29', title: '城区新增120个公共充电桩' }],
      ['correction', { date: '2023-12-31', page: 12, title: '年终盘点' }],
    ]);
    expect(articles[0]!.paragraphs).toEqual(['今年以来,市区新建公共充电桩。']);
  });

  it('keeps text waiting for a headline out of a 更正 notice that follows it', () => {
    const articles = articlesOf([
      '城区新增充电桩',
      '本报讯(记者 张三)今年以来,市区新建公共充电桩。',
      '(记者 张三)',
      '市民可通过手机小程序查询空闲桩位。',
      '更正',
      '本报11月29日《城区新增120个公共充电桩》一文有误,特此更正。',
    ]);
    expect(articles.map((a) => [a.kind, a.paragraphs])).toEqual([
      ['news', ['今年以来,市区新建公共充电桩。']],
      ['brief', ['市民可通过手机小程序查询空闲桩位。']],
      ['correction', ['本报11月29日《城区新增120个公共充电桩》一文有误,特此更正。']],
    ]);
  });

  it('reports a banner and a stray label as unplaced instead of dropping them', () => {
    const text = [
      '城区新增充电桩',
      '本报讯(记者 张三)今年以来,市区新建公共充电桩,主要分布在',
      '工业强市 产业兴市',
      '【民生速递】',
      '责任编辑:林俊',
    ].join('\n');
    const reading = readPageTextReport(text, hints);
    expect(reading.issue.pages[0]!.articles).toHaveLength(1);
    expect(reading.unplaced).toEqual([
      { line: 3, text: '工业强市 产业兴市' },
      { line: 4, text: '【民生速递】' },
    ]);
  });

  it('keeps a short first headline line under a column label as the kicker instead of dropping it', () => {
    const [piece] = articlesOf(['【衢州记忆】', '乡愁', '老城墙下的豆腐摊', '天还没亮,豆腐摊的灯就亮了。']);
    expect(piece).toMatchObject({ column: '衢州记忆', kicker: '乡愁', title: '老城墙下的豆腐摊' });
  });

  it('reads a classical poem of equal short lines as verse', () => {
    const [poem] = articlesOf([
      '静夜思',
      '作者 李白',
      '床前明月光',
      '疑是地上霜',
      '举头望明月',
      '低头思故乡',
    ]);
    expect(poem).toMatchObject({
      kind: 'verse',
      paragraphs: ['床前明月光\n疑是地上霜\n举头望明月\n低头思故乡'],
    });
  });

  it('reports a second, different editor line as unplaced', () => {
    const reading = readPageTextReport(
      ['标题一则', '本报讯 正文。', '责任编辑:林俊', '责任编辑:徐丽'].join('\n'),
      hints,
    );
    expect(reading.issue.pages[0]!.editor).toBe('林俊');
    expect(reading.unplaced).toEqual([{ line: 4, text: '责任编辑:徐丽' }]);
  });
});
