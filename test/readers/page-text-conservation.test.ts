import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidUploadError } from '../../shared/errors.ts';
import type { Article, Issue } from '../../shared/model/issue.ts';
import { type PageTextReading, readPageTextReport } from '../../shared/readers/page-text-reader.ts';

/**
 * Text conservation: every line of a page ends up in the model or in `unplaced`, on generated
 * pages of every layout family (news, 副刊 verse and essays, 评论 commentary, letters and
 * corrections, 人文 pieces under labels, photos), with and without blank lines between lines,
 * with paragraphs cut by column breaks, banners and stray labels.
 */

const names = ['张三', '李四', '王五', '赵六', '周晓燕', '郑一鸣', '钱程', '方敏'];
const titles = [
  '城区新增公共充电桩',
  '衢江区三个村入选名单',
  '外婆的柿饼',
  '江郎山下的秋天',
  '小区门口的路灯何时能亮',
  '守住小切口 做好大文章',
  '老城墙下的豆腐摊',
  '让阅读成为习惯',
];
const verseLines = [
  '风从江面上来',
  '把芦花吹成一场小雪',
  '我站在浮石渡口',
  '看一只白鹭',
  '收起整个秋天',
  '岸边的银杏还在落',
  '一片,又一片',
  '像是替远行的人',
  '数着归期',
  '云走了',
  '它们还站着',
];
const sentences = [
  '今年以来,市区累计新建公共充电桩一百余个,主要分布在老旧小区和农贸市场周边。',
  '每年霜降一过,外婆就搬出竹匾,把削好皮的柿子一个个摆上去,晒在老屋的瓦檐下。',
  '基层治理千头万绪,每一件群众身边的小事,都关系着这座城市的温度和人们的感受。',
  '我住在柯城区某小区,小区门口的三盏路灯已经坏了一个多月,晚上出行很不方便。',
  '周六上午,市图书馆新开的城市书房里坐满了读者,有人看书,也有人只是坐着发呆。',
  '下一步,相关部门将加强资金和人才保障,让更多村民共享发展成果,推动乡村振兴。',
];
const labels = ['民生速递', '衢州记忆', '诗苑', '书香', '简讯'];

/**
 * A paragraph, printed whole or cut by a column break after its first clause (a column is wider
 * than that; a shorter cut-off fragment would read as a headline in any layout).
 */
const paragraph = fc
  .tuple(fc.constantFrom(...sentences), fc.option(fc.integer({ min: 10, max: 30 }), { nil: undefined }))
  .map(([text, cut]) => (cut === undefined ? [text] : [text.slice(0, cut), text.slice(cut)]));
const paragraphs = fc.array(paragraph, { minLength: 1, maxLength: 3 }).map((ps) => ps.flat());
const name = fc.constantFrom(...names);
const title = fc.constantFrom(...titles);

type Piece = { lines: string[]; verse?: string[] };

const news = fc
  .tuple(title, name, paragraphs)
  .map(([t, n, ps]): Piece => ({ lines: [t, `本报讯(记者 ${n})${ps[0]}`, ...ps.slice(1)] }));
const essay = fc.tuple(title, name, paragraphs).map(([t, n, ps]): Piece => ({ lines: [t, `□ ${n}`, ...ps] }));
const verse = fc
  .tuple(title, name, fc.shuffledSubarray(verseLines, { minLength: 3, maxLength: 8 }))
  .map(([t, n, vs]): Piece => ({ lines: [t, `□ ${n}`, ...vs], verse: vs }));
const commentary = fc
  .tuple(
    title,
    fc.oneof(
      fc.constant('本报评论员'),
      name.map((n) => `□ 特约评论员 ${n}`),
    ),
    paragraphs,
  )
  .map(([t, author, ps]): Piece => ({ lines: [t, author, ...ps] }));
const letter = fc
  .tuple(title, name, paragraphs)
  .map(([t, n, ps]): Piece => ({ lines: ['读者来信', t, ...ps, `读者 ${n}`] }));
const correction = fc.tuple(fc.integer({ min: 1, max: 29 }), fc.integer({ min: 1, max: 8 }), title).map(
  ([day, page, t]): Piece => ({
    lines: ['更正', `本报11月${day}日第${page}版《${t}》一文中,“120个”应为“102个”,特此更正。`],
  }),
);
const labelled = fc
  .tuple(fc.constantFrom(...labels), title, paragraphs)
  .map(([label, t, ps]): Piece => ({ lines: [`【${label}】`, t, ...ps] }));
const photo = fc
  .tuple(title, name)
  .map(([t, n]): Piece => ({ lines: [t, `11月27日,龙游县一处农业基地内,农户正在采收胡柚。 记者 ${n} 摄`] }));
const noise = fc.constantFrom<Piece>(
  { lines: ['工业强市 产业兴市'] },
  { lines: ['【民生速递】'] },
  { lines: ['详见今日第四版'] },
);

const page = fc.record({
  pieces: fc.array(fc.oneof(news, essay, verse, commentary, letter, correction, labelled, photo, noise), {
    minLength: 1,
    maxLength: 6,
  }),
  section: fc.constantFrom('副刊', '评论', '人文', '综合'),
  separator: fc.constantFrom('\n', '\n\n'),
  editor: fc.boolean(),
});

/** Words that only structure the text; the model keeps what they say, not the words. */
const structural =
  /本报讯|特约评论员|本报记者|记者|通讯员|作者|读者(?!来信)|责任编辑[:：]?|电话[:：]?\d+|[□()（）【】]|(?<=\s)摄$/g;

const modelTexts = (issue: Issue): string[] => {
  const page = issue.pages[0]!;
  const ofArticle = (a: Article) => [
    a.kicker,
    a.title,
    a.subtitle,
    a.column,
    a.dateline,
    a.caption,
    a.jump?.label,
    ...a.byline.map((c) => c.name),
    ...a.paragraphs,
  ];
  return [page.section, page.editor, ...page.articles.flatMap(ofArticle)].filter(
    (s): s is string => s !== undefined,
  );
};

const squeeze = (text: string) => text.replace(/\s+/g, '');

const read = (text: string): PageTextReading | undefined => {
  try {
    return readPageTextReport(text, { date: '2024-11-30', page: 3 });
  } catch (error) {
    // A page of nothing but noise has no article: a typed rejection, never a silent loss.
    expect(error).toBeInstanceOf(InvalidUploadError);
    return undefined;
  }
};

describe('readPageText text conservation', () => {
  it('puts every body line into the model or into unplaced, in every layout family', () => {
    fc.assert(
      fc.property(page, ({ pieces, section, separator, editor }) => {
        const body = pieces.flatMap((p) => p.lines);
        const lines = ['2024年11月30日 星期六', `第3版 ${section}`, ...body];
        if (editor) lines.push('责任编辑:徐丽 电话:8070812');
        const reading = read(lines.join(separator));
        if (reading === undefined) return;
        const blob = [...modelTexts(reading.issue), ...reading.unplaced.map((u) => u.text)]
          .map(squeeze)
          .join('\u0000');
        for (const line of lines.slice(2)) {
          for (const token of line.replace(structural, ' ').split(/\s+/)) {
            if (token !== '') expect(blob, `${token} of line ${line}`).toContain(token);
          }
        }
      }),
      { numRuns: 400, seed: 20241130 },
    );
  });

  it('never joins verse lines and never takes one for a title, kicker or column', () => {
    fc.assert(
      fc.property(page, ({ pieces, section, separator }) => {
        const lines = ['2024年11月30日 星期六', `第3版 ${section}`, ...pieces.flatMap((p) => p.lines)];
        const reading = read(lines.join(separator));
        if (reading === undefined) return;
        const articles = reading.issue.pages[0]!.articles;
        const headings = new Set(articles.flatMap((a) => [a.title, a.kicker, a.column, a.subtitle]));
        const text = articles.flatMap((a) => a.paragraphs).join('\u0000');
        for (const piece of pieces) {
          for (const [i, line] of (piece.verse ?? []).entries()) {
            expect(headings.has(line), line).toBe(false);
            const next = piece.verse![i + 1];
            if (next !== undefined) expect(text).not.toContain(`${line}${next}`);
          }
        }
      }),
      { numRuns: 300, seed: 20241201 },
    );
  });
});
