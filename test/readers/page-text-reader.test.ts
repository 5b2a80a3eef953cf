import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidUploadError } from '../../shared/errors.ts';
import { type Article, IssueSchema } from '../../shared/model/issue.ts';
import { printedHeadline } from '../../shared/readers/page-text-headline.ts';
import { readPageText } from '../../shared/readers/page-text-reader.ts';

const fixture = (page: string) =>
  readFileSync(new URL(`../fixtures/quzhou-daily-2024-11-30-page${page}.txt`, import.meta.url), 'utf8');

const page01 = fixture('01');
const page02 = fixture('02');
const page04 = fixture('04');

const articlesOf = (text: string, hints?: Parameters<typeof readPageText>[1]) =>
  readPageText(text, hints).pages[0]!.articles;

/** The error a call throws, or a failure when it throws none. */
const rejection = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected readPageText to throw');
};

describe('readPageText on the front page sample', () => {
  const issue = readPageText(page01);
  const page = issue.pages[0]!;
  const articles = page.articles;

  it('reads the masthead into the paper and issue fields', () => {
    expect(issue.paper).toEqual({
      name: '衢州日报',
      organ: '中共衢州市委机关报',
      publisher: '衢州市新闻传媒中心',
      serial: 'CN 33-0011',
      hotline: '96811',
    });
    expect(issue.date).toBe('2024-11-30');
    expect(issue.weekday).toBe('星期六');
    expect(issue.lunarDate).toBe('农历甲辰年十月三十');
    expect(issue.number).toBe(13355);
    expect(issue.pageCount).toBe(4);
  });

  it('returns exactly one page: the front page, 要闻, with its editor', () => {
    expect(issue.pages).toHaveLength(1);
    expect(page.number).toBe(1);
    expect(page.section).toBe('要闻');
    expect(page.editor).toBe('林俊');
  });

  it('returns an issue the schema accepts', () => {
    expect(IssueSchema.safeParse(issue).success).toBe(true);
  });

  it('finds the eight items in reading order with their kinds', () => {
    expect(articles.map((a) => [a.kind, a.title])).toEqual([
      ['teaser', '习近平对新时代马克思主义理论研究和建设工程作出重要指示强调'],
      ['news', '高屹率团赴韩国开展经贸考察访问'],
      ['news', '第七届世界浙商大会衢州专题活动举行'],
      ['news', '市八届人大常委会第二十二次会议召开'],
      ['news', '研发经费投入总量强度双提升'],
      ['news', '解“近忧”化“远虑”'],
      ['photo', '古城韵味 大美衢州'],
      ['teaser', '他成为村里第三个器官捐献者'],
    ]);
  });

  it('keeps the rest of a multi-part headline as the subtitle, so the printed headline is recoverable', () => {
    const gao = articles[1]!;
    expect(gao.subtitle).toBe('扎实推进高水平对外开放 加快培育高质量发展新动能');
    expect(printedHeadline(gao)).toBe(
      '高屹率团赴韩国开展经贸考察访问 扎实推进高水平对外开放 加快培育高质量发展新动能',
    );
    expect(articles[4]!.subtitle).toBe('柯城赋能创新发展 “动力源”');
    expect(printedHeadline(articles[7]!)).toBe('他成为村里第三个器官捐献者 大爱,在对门延续');
  });

  it('reads the lead teaser with its jump to page 4 and no body', () => {
    const lead = articles[0]!;
    expect(lead.subtitle).toBe(
      '扎根中国大地赓续中华文脉厚植学术根基 为推进马克思主义中国化时代化作出更大贡献',
    );
    expect(lead.jump).toEqual({ page: 4, label: '详见今日第四版' });
    expect(lead.paragraphs).toEqual([]);
    expect(lead.dateline).toBeUndefined();
  });

  it('splits 本报讯 leads into dateline, byline and the first paragraph', () => {
    const gao = articles[1]!;
    expect(gao.dateline).toBe('本报讯');
    expect(gao.byline).toEqual([{ name: '徐颖之', role: 'reporter' }]);
    expect(gao.paragraphs[0]).toMatch(/^11月26日至29日,市委书记高屹率衢州市经贸代表团赴韩国考察访问。/);
  });

  it('splits bylines into people with roles', () => {
    expect(articles[2]!.byline).toEqual([
      { name: '胡灵萍', role: 'reporter' },
      { name: '余黎红', role: 'correspondent' },
      { name: '李若莹', role: 'correspondent' },
    ]);
    expect(articles[3]!.byline).toEqual([{ name: '郑菁菁', role: 'reporter' }]);
    expect(articles[4]!.byline).toEqual([
      { name: '郑晨', role: 'reporting-team' },
      { name: '吴怡婧', role: 'reporting-team' },
      { name: '袁天宏', role: 'correspondent' },
    ]);
    expect(articles[5]!.byline).toEqual([{ name: '葛妙慧', role: 'correspondent' }]);
  });

  it('counts the paragraphs of each article after repairing column breaks', () => {
    expect(articles.slice(1, 6).map((a) => a.paragraphs.length)).toEqual([7, 4, 5, 6, 5]);
  });

  it('joins each of the seven paragraphs a column break cut', () => {
    const all = articles.flatMap((a) => a.paragraphs);
    const joins = [
      '衢州深入实施“工业强市、产业兴市”发展战略',
      '面对面宣传衢州的区位、资源',
      '企业负责人表示,格林光学主要生产',
      '《衢州市残疾人社会服务条例》;通过一批人事任免事项。',
      '吴国升强调,做好知识产权司法保障工作,要深化思想认识',
      '加快经济高质量发展若干政策意见',
      '管理单位中国华电集团有限公司',
    ];
    for (const join of joins) expect(all.filter((p) => p.includes(join))).toHaveLength(1);
  });

  it('ends each joined paragraph where the printed paragraph ends', () => {
    const gao = articles[1]!;
    expect(gao.paragraphs[1]).toMatch(/^开展经贸投资交流合作活动.*结出更加丰硕的成果。$/);
    expect(gao.paragraphs[4]).toMatch(/^高屹还拜访格林光学公司.*早签约、早落地、早见效。$/);
    expect(gao.paragraphs.at(-1)).toBe('方世忠参加。');
  });

  it('joins no two printed paragraphs: each paragraph is one printed line or a line and its continuation', () => {
    const printed = page01
      .split('\n')
      .map((l) => l.trim().replace(/^本报讯\([^)]*\)/, ''))
      .filter((l) => l.length > 0);
    let joined = 0;
    for (const paragraph of articles.flatMap((a) => a.paragraphs)) {
      const at = printed.indexOf(paragraph);
      if (at >= 0) continue;
      const first = printed.findIndex((line, i) => line + printed[i + 1] === paragraph);
      expect(first, paragraph.slice(0, 20)).toBeGreaterThanOrEqual(0);
      joined += 1;
    }
    expect(joined).toBe(7);
  });

  it('reads the photo with its caption and the photographer from the credit', () => {
    const photo = articles[6]!;
    expect(photo.caption).toBe(
      '秋冬时节,孔氏南宗家庙的百年银杏迎来最佳观赏季。11月28日,记者看到不少游客前来打卡留影。黄绿相间的银杏叶与红墙黛瓦交相辉映,让游客沉浸于衢州秋冬之交的静美与深邃。',
    );
    expect(photo.byline).toEqual([{ name: '刘芸', role: 'photographer' }]);
    expect(photo.paragraphs).toEqual([]);
  });

  it('gives the 今日导读 teaser the lead paragraph printed above its headline, its column and its jump', () => {
    const teaser = articles[7]!;
    expect(teaser.column).toBe('今日导读');
    expect(teaser.subtitle).toBe('大爱,在对门延续');
    expect(teaser.jump).toEqual({ page: 2, label: '详见今日第二版' });
    expect(teaser.paragraphs).toHaveLength(1);
    expect(teaser.paragraphs[0]).toMatch(/^11月28日,开化县音坑乡对门村.*就有3例——$/);
  });

  it('drops the 工业强市 产业兴市 banner: it is a slogan, not an article', () => {
    expect(articles.some((a) => a.title.includes('工业强市'))).toBe(false);
    expect(articles.some((a) => printedHeadline(a).includes('产业兴市'))).toBe(false);
  });

  it('proposes unique page-1 ids from the titles', () => {
    const ids = articles.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^p1-[0-9a-f]{8}$/);
  });

  it('is deterministic: the same text gives the same issue', () => {
    expect(readPageText(page01)).toEqual(issue);
  });
});

describe('readPageText on the inside-page fixtures', () => {
  it('reads page 2 from its header: date, page number, section and editor', () => {
    const issue = readPageText(page02);
    expect(issue.date).toBe('2024-11-30');
    expect(issue.weekday).toBe('星期六');
    expect(issue.paper.name).toBe('衢州日报');
    expect(issue.number).toBeUndefined();
    expect(issue.pages[0]).toMatchObject({ number: 2, section: '综合', editor: '徐丽' });
  });

  it('reads page 2 articles: the full story the front page teases, a kicker, a column label, a photo', () => {
    const articles = articlesOf(page02);
    expect(articles.map((a) => [a.kind, a.title])).toEqual([
      ['news', '他成为村里第三个器官捐献者'],
      ['news', '衢江区三个村入选省级未来乡村创建名单'],
      ['brief', '城区新增120个公共充电桩'],
      ['photo', '初冬农忙'],
    ]);
    const [donor, villages, brief, photo] = articles as [Article, Article, Article, Article];
    expect(donor.subtitle).toBe('大爱,在对门延续');
    expect(donor.dateline).toBe('本报讯');
    expect(donor.byline).toEqual([
      { name: '叶思远', role: 'reporter' },
      { name: '程丽娟', role: 'correspondent' },
    ]);
    expect(donor.paragraphs).toHaveLength(4);
    expect(donor.paragraphs[2]).toContain('完成器官捐献,村民们说起这件事');
    expect(villages.kicker).toBe('深化“千万工程”经验 建设宜居宜业和美乡村');
    expect(villages.subtitle).toBeUndefined();
    expect(villages.paragraphs).toHaveLength(3);
    expect(villages.paragraphs[2]).toContain('推动未来乡村建设从“盆景”变“风景”');
    expect(brief.column).toBe('民生速递');
    expect(brief.byline).toEqual([]);
    expect(photo.byline).toEqual([{ name: '郑一鸣', role: 'photographer' }]);
    expect(photo.caption).toBe('11月27日,龙游县一处农业基地内,农户正在采收胡柚,田间一派繁忙景象。');
  });

  it('reads page 4 from a combined header line with a Chinese page numeral and full-width punctuation', () => {
    const issue = readPageText(page04);
    expect(issue.pages[0]).toMatchObject({ number: 4, section: '要闻', editor: '王晨' });
    const [xinhua, brief] = issue.pages[0]!.articles as [Article, Article];
    expect(xinhua.dateline).toBe('新华社北京11月29日电');
    expect(xinhua.kind).toBe('news');
    expect(xinhua.paragraphs).toHaveLength(3);
    expect(xinhua.paragraphs[0]).toMatch(/^中共中央总书记/);
    expect(xinhua.paragraphs[2]).toContain('高水平的理论人才队伍');
    expect(brief).toMatchObject({ kind: 'brief', column: '简讯', title: '我市开展冬季消防安全检查' });
  });

  it('gives each front-page teaser the same headline as the article its jump points to', () => {
    const front = articlesOf(page01);
    const targets = { 2: articlesOf(page02), 4: articlesOf(page04) } as Record<number, Article[]>;
    const teasers = front.filter((a) => a.jump);
    expect(teasers).toHaveLength(2);
    for (const teaser of teasers) {
      const target = targets[teaser.jump!.page]!.find((a) => a.title === teaser.title);
      expect(target?.kind).toBe('news');
      expect(printedHeadline(target!)).toBe(printedHeadline(teaser));
    }
  });
});

describe('readPageText page headers', () => {
  const body = '\n\n市区新增120个公共充电桩\n\n本报讯(记者 张三)今年以来,市区累计新建公共充电桩120个。\n';

  it.each([
    ['第2版 综合', 2, '综合'],
    ['第二版 综合', 2, '综合'],
    ['2版：综合', 2, '综合'],
    ['2版:综合', 2, '综合'],
    ['第十二版 文化', 12, '文化'],
  ])('reads the page line %s', (line, number, section) => {
    const issue = readPageText(`2024年11月30日 星期六\n\n${line}${body}`);
    expect(issue.pages[0]).toMatchObject({ number, section });
    expect(issue.date).toBe('2024-11-30');
    expect(issue.pages[0]!.articles[0]!.title).toBe('市区新增120个公共充电桩');
  });

  it.each([
    ['衢州日报 2024年11月30日 星期六 第2版 综合', '综合', undefined],
    ['2024年11月30日 星期六 | 第2版 | 综合 | 责任编辑：徐丽', '综合', '徐丽'],
    ['2024-11-30 星期六 第2版 综合', '综合', undefined],
    ['2024.11.30 星期六\n第2版 综合', '综合', undefined],
    ['2024年11月30日 星期六\n第2版\n综合', '综合', undefined],
  ])('reads the inside-page header %j', (header, section, editor) => {
    const issue = readPageText(`${header}${body}`);
    expect(issue.date).toBe('2024-11-30');
    expect(issue.paper.name).toBe('衢州日报');
    expect(issue.pages[0]).toMatchObject({ number: 2, section });
    expect(issue.pages[0]!.editor).toBe(editor);
    expect(issue.pages[0]!.articles.map((a) => a.title)).toEqual(['市区新增120个公共充电桩']);
  });

  it('reads masthead and header lines printed with full-width digits and letters', () => {
    const fullWidth = (line: string) =>
      line.replace(/[0-9A-Z-]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    const lines = page01.split('\n');
    const masthead = lines.map((line, i) => (i < 16 ? fullWidth(line) : line)).join('\n');
    expect(masthead).toContain('２０２４年１１月３０日');
    expect(readPageText(masthead)).toEqual(readPageText(page01));
    const inside = readPageText(`${fullWidth('2024年11月30日 星期六')}\n第２版 综合${body}`);
    expect(inside.date).toBe('2024-11-30');
    expect(inside.pages[0]).toMatchObject({ number: 2, section: '综合' });
  });

  it('reads a header date printed in Chinese numerals', () => {
    const lines = page01.split('\n');
    const masthead = lines.map((line) => line.replace('2024年11月30日', '二〇二四年十一月三十日')).join('\n');
    expect(masthead).toContain('二〇二四年十一月三十日');
    expect(readPageText(masthead)).toEqual(readPageText(page01));
    const inside = readPageText(`二〇二四年十二月一日 星期日\n第二版 综合${body}`);
    expect(inside.date).toBe('2024-12-01');
    expect(inside.pages[0]).toMatchObject({ number: 2, section: '综合' });
    // The lunar date (农历甲辰年十月三十) is no calendar date and stays as printed.
    expect(readPageText(masthead).lunarDate).toBe(readPageText(page01).lunarDate);
  });

  it.each([
    ['二○二四年十二月三十一日 星期二', '2024-12-31'],
    ['二O二四年十二月三十一日 | 第2版 综合', '2024-12-31'],
    ['二〇二五年元月一日 星期三', '2025-01-01'],
    ['衢州日报 二〇二五年一月十日 第2版 综合', '2025-01-10'],
  ])('reads the Chinese-numeral header date %j', (line, iso) => {
    expect(readPageText(`${line}\n第2版 综合${body}`).date).toBe(iso);
  });

  it.each(['二〇二五年一月一日起施行', '二〇二四年十一月三十日 衢州迎来首场雪'])(
    'keeps a headline that starts with a Chinese-numeral date (%s) a headline',
    (headline) => {
      const issue = readPageText(`2024年11月30日 星期六\n第2版 综合\n\n${headline}\n\n本报讯 正文一段。`);
      expect(issue.date).toBe('2024-11-30');
      expect(printedHeadline(issue.pages[0]!.articles[0]!)).toBe(headline);
    },
  );

  it('does not read a malformed Chinese-numeral month (一二月) as a date', () => {
    expect(rejection(() => readPageText(`二〇二四年一二月三日 星期二\n第2版 综合${body}`))).toMatchObject({
      code: 'no-date',
    });
  });

  it('rejects an impossible Chinese-numeral date and one that contradicts the digits', () => {
    expect(rejection(() => readPageText(`二〇二四年二月三十日 星期五\n第2版 综合${body}`))).toMatchObject({
      code: 'schema',
      location: { line: 1 },
    });
    expect(
      rejection(() => readPageText(`二〇二四年十一月三十日 星期六\n2024年12月1日\n第2版 综合${body}`)),
    ).toMatchObject({ code: 'contradicting-date', location: { line: 2 } });
  });

  it('does not take a paper name leading an inside-page header for a front-page masthead', () => {
    const issue = readPageText(`衢州日报 2024年11月30日 星期六${body}`, { page: 3 });
    expect(issue.pages[0]!.number).toBe(3);
    expect(issue.number).toBeUndefined();
  });

  it('rejects an impossible numeric header date, naming the line', () => {
    const error = rejection(() => readPageText(`2024-02-30 星期五\n第2版 综合${body}`));
    expect(error).toMatchObject({ code: 'schema', location: { line: 1 } });
    expect((error as Error).message).toContain('2024-02-30 is not a calendar date');
  });

  it('reads date, page, section and editor from one combined line', () => {
    const issue = readPageText(`2024年11月30日 星期六 第3版 文化 责任编辑:林俊 电话:8070805${body}`);
    expect(issue.date).toBe('2024-11-30');
    expect(issue.weekday).toBe('星期六');
    expect(issue.pages[0]).toMatchObject({ number: 3, section: '文化', editor: '林俊' });
  });

  it('takes page and section from the hints when an inside page prints no header', () => {
    const issue = readPageText(body, { date: '2024-11-30', page: 3, section: '文化' });
    expect(issue.pages[0]).toMatchObject({ number: 3, section: '文化' });
    expect(issue.date).toBe('2024-11-30');
  });

  it('prefers the section the text prints over the hint', () => {
    const issue = readPageText(`2024年11月30日\n第2版 综合${body}`, { page: 2, section: 'zonghe' });
    expect(issue.pages[0]!.section).toBe('综合');
  });

  it('names an inside page without any section 第N版', () => {
    expect(readPageText(body, { date: '2024-11-30', page: 5 }).pages[0]!.section).toBe('第5版');
  });

  it('does not take a first paragraph that starts with a date for a header', () => {
    const text = '2024年11月30日,市里举行冬季长跑比赛,千余名市民参加。';
    const issue = readPageText(text, { date: '2024-11-30', page: 3 });
    expect(issue.pages[0]!.articles[0]!.paragraphs).toEqual([text]);
  });

  it('accepts CRLF and CR line breaks and keeps line numbers in messages', () => {
    const crlf = page01.replace(/\n/g, '\r\n');
    expect(readPageText(crlf)).toEqual(readPageText(page01));
    expect(readPageText(page01.replace(/\n/g, '\r'))).toEqual(readPageText(page01));
    const error = rejection(() => readPageText(crlf, { date: '2024-12-01' }));
    expect(error).toMatchObject({ code: 'contradicting-date', location: { line: 13 } });
  });
});

describe('readPageText hints and rejections', () => {
  it('accepts hints that agree with the text', () => {
    const issue = readPageText(page02, {
      key: 'incoming/2024-11-30/02-综合.txt',
      date: '2024-11-30',
      page: 2,
    });
    expect(issue.pages[0]!.number).toBe(2);
  });

  it('rejects a hint date the masthead contradicts, naming the line', () => {
    const error = rejection(() =>
      readPageText(page01, { key: 'incoming/2024-12-01/01.txt', date: '2024-12-01' }),
    );
    expect(error).toBeInstanceOf(InvalidUploadError);
    expect(error).toMatchObject({ code: 'contradicting-date', location: { line: 13 } });
    expect((error as Error).message).toContain('incoming/2024-12-01/01.txt');
    expect((error as Error).message).toContain('line 13');
    expect((error as Error).message).toContain('2024-11-30');
  });

  it('rejects a hint page the header contradicts, naming the line', () => {
    const error = rejection(() => readPageText(page02, { page: 3 }));
    expect(error).toMatchObject({ code: 'contradicting-page', location: { line: 5 } });
    expect((error as Error).message).toContain('line 5');
  });

  it('rejects a front page uploaded as another page, naming the masthead line', () => {
    const error = rejection(() => readPageText(page01, { date: '2024-11-30', page: 2 }));
    expect(error).toMatchObject({ code: 'contradicting-page', location: { line: 3 } });
    expect(readPageText(page01, { date: '2024-11-30', page: 1 }).pages[0]!.number).toBe(1);
  });

  it('rejects text with no date when the key names none', () => {
    const error = rejection(() => readPageText('标题\n\n本报讯(记者 张三)正文。', { page: 2 }));
    expect(error).toMatchObject({ code: 'no-date' });
  });

  it('rejects a header date that is not on the calendar', () => {
    const error = rejection(() => readPageText('2024年2月30日 星期五\n第2版 综合\n\n标题\n\n正文一段。'));
    expect(error).toMatchObject({ code: 'schema', location: { line: 1 } });
  });

  it.each([
    ['', 'empty'],
    ['   \n\t\n\u3000\r\n', 'empty'],
  ])('rejects blank text %j as %s', (text, code) => {
    expect(rejection(() => readPageText(text, { date: '2024-11-30', page: 1 }))).toMatchObject({ code });
  });

  it('rejects a masthead with no article', () => {
    const masthead = page01.split('\n').slice(0, 16).join('\n');
    const error = rejection(() =>
      readPageText(`${masthead}\n\n工业强市 产业兴市\n\n责任编辑:林俊 电话:8070805`),
    );
    // Lines 1–16 are the masthead, 17 is blank: the banner on line 18 is the first body line.
    expect(error).toMatchObject({ code: 'no-articles', location: { line: 18 } });
  });

  it('names the line of the first article past the limit when a page has too many', () => {
    const items = Array.from({ length: 501 }, (_, i) => `简讯标题${i}\n\n第${i}条。`);
    const error = rejection(() => readPageText(items.join('\n\n'), { date: '2024-11-30', page: 3 }));
    // Each item takes four lines (headline, blank, text, blank): item 501 starts on line 2001.
    expect(error).toMatchObject({ code: 'schema', location: { line: 2001, field: 'pages.0.articles' } });
    expect((error as Error).message).toContain('line 2001');
  });

  it('names the line of the article whose field breaks the schema', () => {
    const caption = `${'银杏'.repeat(2600)}。 记者 刘芸 摄`;
    const error = rejection(() =>
      readPageText(`第一篇标题\n本报讯(记者 李四)正文。\n古城韵味\n${caption}`, {
        date: '2024-11-30',
        page: 3,
      }),
    );
    expect(error).toMatchObject({
      code: 'schema',
      location: { line: 3, field: 'pages.0.articles.1.caption' },
    });
  });

  it('rejects an inside page without page number when the key names none', () => {
    const error = rejection(() => readPageText('标题\n\n本报讯(记者 张三)正文。', { date: '2024-11-30' }));
    expect(error).toMatchObject({ code: 'schema' });
    expect((error as Error).message).toContain('page');
  });

  it('throws only InvalidUploadError or returns a valid issue, whatever the text', () => {
    const pieces = [
      '衢州日报',
      '2024年11月30日 星期六',
      '第2版 综合',
      '详见今日第四版',
      '本报讯(记者 张三)',
      '责任编辑:林俊',
      '今日导读',
      '记者 刘芸 摄',
      '标题 副题',
      '正文一段,',
      '。',
      '——',
      '\n',
      '\n\n',
      ' ',
      '(',
      '【',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 12 })), { maxLength: 30 }),
        (parts) => {
          const text = parts.join('');
          try {
            const issue = readPageText(text, { date: '2024-11-30', page: 2 });
            expect(IssueSchema.safeParse(issue).success).toBe(true);
            expect(issue.pages).toHaveLength(1);
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidUploadError);
          }
        },
      ),
      { numRuns: 300, seed: 20241130 },
    );
  });
});

describe('readPageText layout variants', () => {
  const hints = { date: '2024-11-30', page: 3 };

  it('reads a byline printed on its own line under the headline, and a dash subtitle line', () => {
    const [article] = articlesOf(
      [
        '市区新增120个公共充电桩',
        '——覆盖老旧小区和农贸市场',
        '记者 张三 通讯员 李四',
        '今年以来,市区累计新建公共充电桩120个。',
      ].join('\n\n'),
      hints,
    );
    expect(article).toMatchObject({
      kind: 'news',
      title: '市区新增120个公共充电桩',
      subtitle: '覆盖老旧小区和农贸市场',
      byline: [
        { name: '张三', role: 'reporter' },
        { name: '李四', role: 'correspondent' },
      ],
      paragraphs: ['今年以来,市区累计新建公共充电桩120个。'],
    });
  });

  it('moves a jump printed at the end of the last paragraph to the article and keeps it news', () => {
    const [article] = articlesOf('衢州深化改革\n\n本报讯(记者 张三)全市推进改革。(下转第四版)', hints);
    expect(article).toMatchObject({
      kind: 'news',
      paragraphs: ['全市推进改革。'],
      jump: { page: 4, label: '下转第四版' },
    });
  });

  it('links an article under a (上接第一版) marker back to page 1 and keeps a numbered subhead as its own paragraph', () => {
    const articles = articlesOf(
      [
        '(上接第一版)',
        '理论研究再出发',
        '本报讯(记者 张三)第一段。',
        '一、坚持守正创新',
        '第二段的内容。',
      ].join('\n'),
      hints,
    );
    expect(articles).toHaveLength(1);
    expect(articles[0]).toMatchObject({
      kind: 'news',
      title: '理论研究再出发',
      paragraphs: ['第一段。', '一、坚持守正创新', '第二段的内容。'],
      jump: { page: 1, label: '上接第一版' },
    });
  });

  it.each([
    ['on a line of its own', ['(上接第一版)', '要强化全周期管理,提升债券资金绩效。']],
    ['at the start of the paragraph', ['（上接第一版）要强化全周期管理,提升债券资金绩效。']],
  ])('keeps continued text under a (上接第一版) marker %s out of the next article', (_where, lines) => {
    const articles = articlesOf(
      [...lines, '会议还审议了其他事项。', '另一篇新闻标题', '本报讯(记者 张三)第二篇正文。'].join('\n'),
      hints,
    );
    expect(articles.map((a) => [a.kind, a.title, a.paragraphs, a.jump?.page])).toEqual([
      ['news', '要强化全周期管理', ['要强化全周期管理,提升债券资金绩效。', '会议还审议了其他事项。'], 1],
      ['news', '另一篇新闻标题', ['第二篇正文。'], undefined],
    ]);
  });

  it('forgets a (上接第一版) marker that a column label follows', () => {
    const [brief] = articlesOf(
      ['(上接第一版)', '简讯', '我市开展冬季消防安全检查', '近日,检查开展。'].join('\n'),
      hints,
    );
    expect(brief).toMatchObject({ kind: 'brief', column: '简讯', title: '我市开展冬季消防安全检查' });
    expect(brief!.jump).toBeUndefined();
  });

  it("reads the headline repeated above a (上接第一版) marker as the continued article's title", () => {
    const [continued, next] = articlesOf(
      [
        '高屹率团赴韩国开展经贸考察访问',
        '(上接第一版)',
        '的区位、资源、产业、政策等优势。',
        '另一篇新闻标题',
        '本报讯(记者 张三)第二篇正文。',
      ].join('\n'),
      hints,
    );
    expect(continued).toMatchObject({
      kind: 'news',
      title: '高屹率团赴韩国开展经贸考察访问',
      paragraphs: ['的区位、资源、产业、政策等优势。'],
      jump: { page: 1, label: '上接第一版' },
    });
    expect(next!.paragraphs).toEqual(['第二篇正文。']);
  });

  it('reads a photo credit on its own line as the credit of the caption above it', () => {
    const [photo] = articlesOf(
      ['初冬农忙', '11月27日,龙游县一处农业基地内,农户正在采收胡柚。', '记者 郑一鸣 摄'].join('\n'),
      hints,
    );
    expect(photo).toMatchObject({
      kind: 'photo',
      title: '初冬农忙',
      caption: '11月27日,龙游县一处农业基地内,农户正在采收胡柚。',
      byline: [{ name: '郑一鸣', role: 'photographer' }],
      paragraphs: [],
    });
  });

  it('joins a caption a column break cut before its credit', () => {
    const [photo] = articlesOf(
      [
        '初冬农忙',
        '11月27日,龙游县一处农业基地内,农户正在采收胡柚,田间',
        '一派繁忙景象。 通讯员 郑一鸣 摄',
      ].join('\n'),
      hints,
    );
    expect(photo).toMatchObject({
      kind: 'photo',
      caption: '11月27日,龙游县一处农业基地内,农户正在采收胡柚,田间一派繁忙景象。',
      byline: [{ name: '郑一鸣', role: 'photographer' }],
    });
  });

  it.each([
    ['图片说明：11月27日,农户正在采收胡柚。', []],
    ['图片说明:11月27日,农户正在采收胡柚。 记者 郑一鸣 摄', [{ name: '郑一鸣', role: 'photographer' }]],
    ['记者 郑一鸣 摄\n图说：11月27日,农户正在采收胡柚。', [{ name: '郑一鸣', role: 'photographer' }]],
  ])('reads a caption led by its 图片说明 label without the label: %j', (lines, byline) => {
    const articles = articlesOf(`初冬农忙\n${lines}`, hints);
    expect(articles).toEqual([
      expect.objectContaining({
        kind: 'photo',
        title: '初冬农忙',
        caption: '11月27日,农户正在采收胡柚。',
        byline,
        paragraphs: [],
      }),
    ]);
  });

  it('adds a credit printed alone under a story to its byline as photographer', () => {
    const articles = articlesOf(
      ['市区新增充电桩', '本报讯(本报记者 张三)今年以来,市区新建公共充电桩120个。', '记者 李四 摄'].join(
        '\n',
      ),
      hints,
    );
    expect(articles).toHaveLength(1);
    expect(articles[0]).toMatchObject({
      kind: 'news',
      byline: [
        { name: '张三', role: 'reporter' },
        { name: '李四', role: 'photographer' },
      ],
      paragraphs: ['今年以来,市区新建公共充电桩120个。'],
    });
  });

  it('reads a kicker with a comma above the title as the kicker, not as text of the article before', () => {
    const [first, second] = articlesOf(
      [
        '第一篇标题',
        '本报讯(记者 李四)第一篇正文。',
        '坚持问题导向，强化系统观念',
        '我市召开经济工作务虚会',
        '本报讯（记者 张三）昨日，我市召开经济工作务虚会。',
      ].join('\n'),
      hints,
    );
    expect(first!.paragraphs).toEqual(['第一篇正文。']);
    expect(second).toMatchObject({
      kicker: '坚持问题导向，强化系统观念',
      title: '我市召开经济工作务虚会',
      paragraphs: ['昨日，我市召开经济工作务虚会。'],
    });
  });

  it('reads a kicker with a comma at the top of the page without gluing it to the lead', () => {
    const [article] = articlesOf(
      ['坚持问题导向,强化系统观念', '我市召开经济工作务虚会', '本报讯(记者 张三)昨日,会议召开。'].join('\n'),
      hints,
    );
    expect(article).toMatchObject({
      kicker: '坚持问题导向,强化系统观念',
      title: '我市召开经济工作务虚会',
      paragraphs: ['昨日,会议召开。'],
    });
  });

  it.each([
    ['如何破解“停车难”？', { title: '如何破解“停车难”？' }],
    ['衢州加油!', { title: '衢州加油!' }],
    [
      '冲刺！冲刺！衢州加油！ 全市掀起冬季攻坚热潮',
      { title: '冲刺！冲刺！衢州加油！', subtitle: '全市掀起冬季攻坚热潮' },
    ],
  ])('reads the question or exclamation %s above a lead as the headline', (headline, parts) => {
    const [first, second] = articlesOf(
      ['第一篇标题', '本报讯(记者 李四)第一篇正文。', headline, '本报讯(记者 张三)第二篇正文。'].join('\n'),
      hints,
    );
    expect(first!.paragraphs).toEqual(['第一篇正文。']);
    expect(second).toMatchObject({ ...parts, paragraphs: ['第二篇正文。'] });
  });

  it('reads a marked name under a commentary headline as its author, not as a column', () => {
    const [article] = articlesOf(
      ['时评', '让“最多跑一次”跑得更快', '□ 张三', '改革永远在路上,群众的期待就是努力的方向。'].join('\n'),
      hints,
    );
    expect(article).toMatchObject({
      kind: 'commentary',
      column: '时评',
      title: '让“最多跑一次”跑得更快',
      byline: [{ name: '张三', role: 'author' }],
      paragraphs: ['改革永远在路上,群众的期待就是努力的方向。'],
    });
  });

  it('reads a byline line with colons under the headline', () => {
    const [article] = articlesOf(['标题测试', '记者：张三 通讯员：李四', '正文内容。'].join('\n'), hints);
    expect(article).toMatchObject({
      title: '标题测试',
      byline: [
        { name: '张三', role: 'reporter' },
        { name: '李四', role: 'correspondent' },
      ],
      paragraphs: ['正文内容。'],
    });
  });

  it('keeps a short question that is a paragraph of the story as its paragraph', () => {
    const [article] = articlesOf(
      ['停车难怎么破', '本报讯(记者 张三)停车难怎么破?', '市里给出了答案。'].join('\n'),
      hints,
    );
    expect(article!.paragraphs).toEqual(['停车难怎么破?', '市里给出了答案。']);
  });

  it('keeps an unnumbered subhead (小标题) inside its story as a paragraph of its own', () => {
    const articles = articlesOf(
      [
        '柯城赋能创新发展',
        '本报讯(记者 张三)近年来,柯城区研发投入持续增长。',
        '科研院所 落地生根',
        '截至2023年,共有8家科研院所落户柯城。',
        '企业唱主角',
        '企业也是研发经费投入的主力军。',
      ].join('\n'),
      hints,
    );
    expect(articles).toHaveLength(1);
    expect(articles[0]!.paragraphs).toEqual([
      '近年来,柯城区研发投入持续增长。',
      '科研院所 落地生根',
      '截至2023年,共有8家科研院所落户柯城。',
      '企业唱主角',
      '企业也是研发经费投入的主力军。',
    ]);
  });

  it('still starts a new article at a headline after a story when a lead, or a column of briefs, follows', () => {
    const articles = articlesOf(
      [
        '柯城赋能创新发展',
        '本报讯(记者 张三)近年来,柯城区研发投入持续增长。',
        '衢江区三个村入选省级名单',
        '本报讯(通讯员 方晓岚)近日,名单公布。',
        '简讯',
        '我市开展冬季消防安全检查',
        '近日,市消防救援支队开展检查。',
        '城区新增120个公共充电桩',
        '今年以来,市区新建公共充电桩120个。',
      ].join('\n'),
      hints,
    );
    expect(articles.map((a) => [a.kind, a.title, a.paragraphs.length])).toEqual([
      ['news', '柯城赋能创新发展', 1],
      ['news', '衢江区三个村入选省级名单', 1],
      ['brief', '我市开展冬季消防安全检查', 1],
      ['brief', '城区新增120个公共充电桩', 1],
    ]);
  });

  it('starts a teaser at a headline after a story when its text ends in a jump line', () => {
    const articles = articlesOf(
      [
        '柯城赋能创新发展',
        '本报讯(记者 张三)近年来,柯城区研发投入持续增长。',
        '他成为村里第三个器官捐献者 大爱,在对门延续',
        '11月28日,开化县音坑乡对门村村民完成了器官捐献。',
        '详见今日第二版',
      ].join('\n'),
      hints,
    );
    expect(articles.map((a) => [a.kind, a.title, a.paragraphs.length, a.jump?.page])).toEqual([
      ['news', '柯城赋能创新发展', 1, undefined],
      ['teaser', '他成为村里第三个器官捐献者', 1, 2],
    ]);
  });

  it('keeps a short line after a cut paragraph in that paragraph instead of starting an article', () => {
    const [article, ...rest] = articlesOf(
      ['标题一则 副题', '本报讯(记者 张三)会议审议通过了《衢州市残疾人社会服务', '条例', '》等文件。'].join(
        '\n',
      ),
      hints,
    );
    expect(rest).toEqual([]);
    expect(article!.paragraphs).toEqual(['会议审议通过了《衢州市残疾人社会服务条例》等文件。']);
  });

  it('leaves a cut paragraph unjoined when a new headline follows it', () => {
    const articles = articlesOf(
      [
        '标题一 副题',
        '本报讯(记者 张三)第一篇的最后一段没有句号',
        '标题二 副题',
        '本报讯(记者 李四)第二篇。',
      ].join('\n'),
      hints,
    );
    expect(articles.map((a) => a.paragraphs)).toEqual([['第一篇的最后一段没有句号'], ['第二篇。']]);
  });

  it('proposes distinct ids for two articles with the same title', () => {
    const articles = articlesOf(['简讯一则', '第一条。', '简讯一则', '第二条。'].join('\n\n'), hints);
    expect(articles).toHaveLength(2);
    expect(articles[0]!.id).not.toBe(articles[1]!.id);
    expect(articles.map((a) => a.kind)).toEqual(['brief', 'brief']);
  });

  it('titles a headline-less item from its first clause', () => {
    const [article] = articlesOf('市民公园新增停车位,方便群众出行。', hints);
    expect(article!.title).toBe('市民公园新增停车位');
  });
});

describe('readPageText on reformatted copies of the sample', () => {
  const base = readPageText(page01);
  const shape = (text: string) =>
    readPageText(text).pages[0]!.articles.map((a) => [a.kind, a.paragraphs.length, a.byline.length]);

  it('reads the same page when the blank lines between blocks are missing', () => {
    expect(readPageText(page01.replace(/\n+/g, '\n')).pages).toEqual(base.pages);
  });

  it('reads the same page when paragraphs are indented with full-width spaces', () => {
    const indented = page01
      .split('\n')
      .map((line) => (line.length > 40 ? `\u3000\u3000${line}` : line))
      .join('\n');
    expect(readPageText(indented).pages).toEqual(base.pages);
  });

  it('reads the same structure when the punctuation is full-width', () => {
    const fullWidth = page01
      .replace(/,/g, '，')
      .replace(/\(/g, '（')
      .replace(/\)/g, '）')
      .replace(/:/g, '：');
    expect(readPageText(fullWidth).paper).toEqual(base.paper);
    expect(shape(fullWidth)).toEqual(shape(page01));
    expect(readPageText(fullWidth).pages[0]!.articles[1]!.paragraphs[4]).toContain(
      '企业负责人表示，格林光学',
    );
  });
});
