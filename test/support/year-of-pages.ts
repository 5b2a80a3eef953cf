import { datesFrom, seededRandom } from './synthetic-issues.ts';

/**
 * A generated back catalogue in the sample's layout (test/fixtures/quzhou-daily-2024-11-30-page0*.txt):
 * plain page text, one file per page, `<date>/<NN>.txt` — what a paper exports from its layout
 * system. Deterministic: the same options give the same bytes on any machine (mulberry32).
 * The default, a year of 4-page issues with 6 articles a page, is the one issue 13 measures:
 * 1,460 pages, 8,760 articles, about 38 MB.
 */

export interface YearOptions {
  start?: string;
  days?: number;
  pages?: number;
  articlesPerPage?: number;
  paragraphsPerArticle?: number;
  /** Characters per paragraph, on average. */
  charsPerParagraph?: number;
  seed?: number;
}

const pool =
  '衢州日报市委书记率团赴开展经贸考察访问扎实推进高水平对外开放加快培育高质量发展新动能记者通讯员近日下发年度浙江省' +
  '科技进步统计监测报告显示柯城区全社会研发经费投入亿元占地区生产总值比重排全市第一乡村振兴共同富裕文化旅游产业链' +
  '招商引资项目签约企业创新人才服务群众民生实事交通建设生态环境保护教育医疗山区县域城乡融合数字经济基层治理社区';
const names = ['徐颖之', '叶思远', '程丽娟', '方晓岚', '郑一鸣', '刘芸', '王晨', '林俊', '徐丽', '周晓燕'];
const weekdays = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];
/** 版名 of pages 2 … n; page 1 is the front page (要闻), as in the sample. */
const insideSections = ['综合', '经济', '要闻', '民生', '文化', '副刊'];

const phrase = (random: () => number, length: number) => {
  let text = '';
  for (let i = 0; i < length; i += 1) text += pool[Math.floor(random() * pool.length)];
  return text;
};

const dateLine = (date: string) => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${y}年${m}月${d}日 ${weekdays[new Date(`${date}T00:00:00Z`).getUTCDay()]}`;
};

/** One article: headline, a 本报讯 lead, prose paragraphs ending in 。 */
const article = (random: () => number, options: Required<YearOptions>) => {
  const chars = () => Math.max(12, Math.round(options.charsPerParagraph * (0.7 + random() * 0.6)));
  const reporter = names[Math.floor(random() * names.length)];
  const lines = [phrase(random, 8 + Math.floor(random() * 10))];
  lines.push(`本报讯(记者 ${reporter})${phrase(random, chars())}。`);
  for (let p = 1; p < options.paragraphsPerArticle; p += 1) lines.push(`${phrase(random, chars())}。`);
  return lines;
};

/** The text of one page, in the layout of the sample's pages. */
export const pageText = (date: string, number: number, options: Required<YearOptions>): string => {
  const random = seededRandom(options.seed ^ (Date.parse(date) / 86_400_000) ^ (number << 20));
  const lines: string[] = [];
  if (number === 1) {
    const serial = 13_000 + Math.round((Date.parse(date) - Date.parse('2024-01-01')) / 86_400_000);
    lines.push('衢州日报', '中共衢州市委机关报', 'QUZHOU DAILY');
    lines.push('衢州市新闻传媒中心出版 国内统一连续出版物号:CN 33-0011');
    lines.push(`${dateLine(date)} 今日${options.pages}版 总第${serial}期`);
  } else {
    const section = insideSections[(number - 2) % insideSections.length];
    lines.push(dateLine(date), `第${number}版 ${section}`);
  }
  for (let a = 0; a < options.articlesPerPage; a += 1) lines.push(...article(random, options));
  lines.push(`责任编辑:${names[number % names.length]} 电话:807080${number}`);
  return `${lines.join('\n\n')}\n`;
};

/** Every page of the catalogue, in date and page order: `{ path: '2024-01-01/01.txt', text }`. */
export function* yearOfPages(options: YearOptions = {}): Generator<{ path: string; text: string }> {
  const full: Required<YearOptions> = {
    start: '2024-01-01',
    days: 365,
    pages: 4,
    articlesPerPage: 6,
    paragraphsPerArticle: 5,
    charsPerParagraph: 283,
    seed: 13,
    ...options,
  };
  for (const date of datesFrom(full.start, full.days)) {
    for (let number = 1; number <= full.pages; number += 1) {
      yield { path: `${date}/${String(number).padStart(2, '0')}.txt`, text: pageText(date, number, full) };
    }
  }
}
