import { parseSiteConfig, type SiteConfig } from '../../shared/config.ts';
import { sectionSlug } from '../../shared/feeds/feed-spec.ts';
import type { PublishedArticle, PublishedIssue, PublishedPage } from '../../shared/model/published.ts';
import { frontPagePhoto, makePhoto } from '../support/photo-fixtures.ts';
import { beijingTime, hostileText, makeIssue, samplePaper } from '../support/published-fixtures.ts';

/**
 * Richer published issues for the feed tests: kicker/subtitle/column, several contributors, a
 * front-page teaser with its jump target on page 4, a photo, an article without a byline, a
 * retracted article, and an issue made of hostile text.
 */

export const siteUrl = 'https://news.example.cn';

export const testConfig = (overrides: Record<string, unknown> = {}): SiteConfig =>
  parseSiteConfig({ siteUrl, ...overrides });

const article = (
  date: string,
  order: number,
  fields: Partial<PublishedArticle> & Pick<PublishedArticle, 'id' | 'title'>,
): PublishedArticle => {
  const published = beijingTime(date, '05:00', order);
  return {
    kind: 'news',
    byline: [],
    paragraphs: ['正文。'],
    order,
    published,
    updated: published,
    contentHash: `hash-${date}-${fields.id}`,
    status: 'published',
    ...fields,
  };
};

const page = (number: number, section: string, sectionSlug: string, articles: PublishedArticle[]) =>
  ({
    number,
    section,
    sectionSlug,
    editor: '林俊',
    source: `incoming/2024-11-30/${String(number).padStart(2, '0')}.txt`,
    articles,
  }) satisfies PublishedPage;

const longParagraph =
  '11月26日至29日,市委书记高屹率衢州市经贸代表团赴韩国考察访问。代表团一行聚焦我市主导产业发展需求,拜访重点企业、洽谈经贸合作,进一步推动衢州与韩国有关方面在产业发展、科技创新、经贸投资、人文交流等领域的务实合作。';

/** 2024-11-30: 要闻 (page 1), 综合 (page 2), 理论 (page 4). */
export const richIssue = (date = '2024-11-30'): PublishedIssue => {
  const pages: PublishedPage[] = [
    page(1, '要闻', 'yaowen', [
      article(date, 0, {
        id: 'p1-0a0a0a0a',
        kicker: '扎实推进高水平对外开放',
        title: '高屹率团赴韩国开展经贸考察访问',
        subtitle: '加快培育高质量发展新动能',
        byline: [
          { name: '徐颖之', role: 'reporter' },
          { name: '余黎红', role: 'correspondent' },
        ],
        dateline: '本报讯',
        paragraphs: [longParagraph, '方世忠参加。'],
      }),
      article(date, 1, {
        id: 'p1-0b0b0b0b',
        kind: 'teaser',
        title: '扎根中国大地赓续中华文脉厚植学术根基',
        paragraphs: ['习近平对新时代马克思主义理论研究和建设工程作出重要指示强调'],
        jump: { page: 4, label: '详见今日第四版' },
        jumpTarget: { page: 4, id: 'p4-0f0f0f0f', title: '扎根中国大地赓续中华文脉厚植学术根基' },
      }),
      article(date, 2, {
        id: 'p1-0c0c0c0c',
        kind: 'photo',
        title: '初冬衢江',
        caption: '11月29日,衢江两岸层林尽染。',
        byline: [{ name: '叶根林', role: 'photographer' }],
        paragraphs: [],
      }),
      article(date, 3, {
        id: 'p1-0d0d0d0d',
        title: '第七届世界浙商大会衢州专题活动举行',
        byline: [{ name: '胡灵萍', role: 'reporter' }],
        dateline: '本报讯',
        paragraphs: ['11月29日上午,第七届世界浙商大会衢州专题活动举行。'],
        jump: { page: 2, label: '下转第二版' },
        jumpTarget: { page: 2, id: 'p2-1a1a1a1a', title: '浙商大会(上接第一版)' },
      }),
    ]),
    page(2, '综合', 'zonghe', [
      article(date, 4, {
        id: 'p2-1a1a1a1a',
        title: '浙商大会(上接第一版)',
        column: '经济观察',
        paragraphs: ['活动现场,相关市领导作衢州投资环境推介。'],
      }),
      article(date, 5, {
        id: 'p2-1b1b1b1b',
        title: '已撤回的稿件',
        status: 'retracted',
        retractedAt: `${date}T09:30:00+08:00`,
        updated: `${date}T09:30:00+08:00`,
      }),
    ]),
    page(4, '理论', 'lilun', [
      article(date, 6, {
        id: 'p4-0f0f0f0f',
        title: '扎根中国大地赓续中华文脉厚植学术根基',
        byline: [{ name: '新华社', role: 'reporting-team' }],
        paragraphs: ['新华社北京11月29日电。', longParagraph],
      }),
    ]),
  ];
  return {
    schemaVersion: 1,
    paper: { ...samplePaper },
    date,
    weekday: '星期六',
    lunarDate: '农历甲辰年十月三十',
    number: 13355,
    pageCount: 4,
    pages,
    updated: `${date}T09:30:00+08:00`,
  };
};

/**
 * The rich issue with photos: the photo article carries one whose caption is its own (shown
 * once), the lead article two (the second with a hostile caption and a credit naming nobody),
 * everything else none.
 */
export const photoIssue = (date = '2024-11-30'): PublishedIssue => {
  const issue = richIssue(date);
  const front = issue.pages[0]!;
  const lead = front.articles.find((a) => a.id === 'p1-0a0a0a0a')!;
  const photo = front.articles.find((a) => a.id === 'p1-0c0c0c0c')!;
  photo.photos = [
    makePhoto('初冬衢江', {
      caption: '11月29日,衢江两岸层林尽染。',
      credit: { printed: '叶根林 摄', photographers: ['叶根林'] },
      aspect: 1.5,
    }),
  ];
  lead.photos = [
    frontPagePhoto(),
    makePhoto('资料', {
      caption: `${hostileText.ampersand} ${hostileText.attribute}${hostileText.controls}`,
      credit: { printed: '本报资料图片', photographers: [] },
      withWebp: false,
    }),
  ];
  return issue;
};

/** Article ids that are feed items (teaser excluded), in reading order, and the retracted one. */
export const richItemIds = ['p1-0a0a0a0a', 'p1-0c0c0c0c', 'p1-0d0d0d0d', 'p2-1a1a1a1a', 'p4-0f0f0f0f'];
export const richRetractedId = 'p2-1b1b1b1b';

/** An issue where every text field carries hostile characters. */
export const hostileIssue = (date = '2024-12-01'): PublishedIssue => {
  // The slug publishing would store for that 版名: section feeds select pages by slug.
  const section = `要闻${hostileText.attribute}`;
  const issue = makeIssue(date, [[section, sectionSlug(section, testConfig())]], 2);
  const first = issue.pages[0]!.articles[0]!;
  Object.assign(first, {
    kicker: hostileText.cdataEnd,
    title: `${hostileText.script}${hostileText.controls}`,
    subtitle: hostileText.ampersand,
    column: hostileText.attribute,
    paragraphs: [hostileText.controls, hostileText.cdataEnd, hostileText.script, hostileText.scriptClose],
    byline: [{ name: hostileText.attribute, role: 'reporter' }],
  } satisfies Partial<PublishedArticle>);
  issue.pages[0]!.articles[1]!.title = hostileText.scriptClose;
  return issue;
};

/** `count` consecutive daily issues ending at `lastDate`, newest first. */
export const dailyIssues = (lastDate: string, count: number, perPage = 3): PublishedIssue[] => {
  const issues: PublishedIssue[] = [];
  const [y, m, d] = lastDate.split('-').map(Number) as [number, number, number];
  for (let i = 0; i < count; i += 1) {
    const date = new Date(Date.UTC(y, m - 1, d - i)).toISOString().slice(0, 10);
    issues.push(makeIssue(date, undefined, perPage));
  }
  return issues;
};
