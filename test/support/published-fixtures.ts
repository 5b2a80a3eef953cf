import type { PublishedArticle, PublishedIssue, PublishedPage } from '../../shared/model/published.ts';

/**
 * Literal published-issue fixtures for renderer tests (feeds, pages). Times follow the
 * publish rules: 05:00 Beijing time, one second earlier per article in reading order.
 */

/** Text that must come out escaped or stripped everywhere it is rendered. */
export const hostileText = {
  controls: 'bad\u0000\u0001\u0008\u000b\u000c\u001f\ufffe\uffffchars',
  cdataEnd: 'ends ]]> here ]]> twice',
  script: '<script>alert("x")</script></script><!--',
  ampersand: 'R&D & AT&T &amp; &lt;',
  attribute: '"quoted" <tag> \'single\'',
  scriptClose: '标题</script><script>alert(1)</script>',
};

const pad = (n: number) => String(n).padStart(2, '0');

/** Beijing time `HH:MM:SS` on a date, minus `secondsBefore`, as ISO with +08:00. */
export const beijingTime = (date: string, hhmm = '05:00', secondsBefore = 0) => {
  const utc = new Date(`${date}T${hhmm}:00+08:00`).getTime() - secondsBefore * 1000;
  const local = new Date(utc + 8 * 3600 * 1000);
  return `${local.toISOString().slice(0, 10)}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}+08:00`;
};

export const makeArticle = (
  date: string,
  order: number,
  overrides: Partial<PublishedArticle> = {},
): PublishedArticle => {
  const published = beijingTime(date, '05:00', order);
  return {
    id: `p1-${(0x10000000 + order).toString(16)}`,
    kind: 'news',
    title: `第${order + 1}篇 新闻标题`,
    byline: [{ name: '徐颖之', role: 'reporter' }],
    dateline: '本报讯',
    paragraphs: [`${date} 第${order + 1}篇的第一段。`, '第二段。'],
    order,
    published,
    updated: published,
    contentHash: `hash-${date}-${order}`,
    status: 'published',
    ...overrides,
  };
};

export const makePage = (
  number: number,
  section: string,
  sectionSlug: string,
  articles: PublishedArticle[],
) =>
  ({
    number,
    section,
    sectionSlug,
    editor: '林俊',
    source: `incoming/${articles[0]?.published.slice(0, 10) ?? '2024-11-30'}/${pad(number)}.txt`,
    articles,
  }) satisfies PublishedPage;

/** The paper as the sample's masthead prints it (the published issue fixtures share it). */
export const samplePaper = {
  name: '衢州日报',
  organ: '中共衢州市委机关报',
  publisher: '衢州市新闻传媒中心',
  serial: 'CN 33-0011',
} as const;

/** An issue with `perPage` articles on each of the given sections (page n = nth section). */
export const makeIssue = (
  date: string,
  sections: Array<[section: string, slug: string]> = [
    ['要闻', 'yaowen'],
    ['综合', 'zonghe'],
  ],
  perPage = 3,
): PublishedIssue => {
  let order = 0;
  const pages = sections.map(([section, slug], index) => {
    const articles: PublishedArticle[] = [];
    for (let i = 0; i < perPage; i += 1) {
      articles.push(
        makeArticle(date, order, {
          id: `p${index + 1}-${(0x10000000 + order).toString(16)}`,
        }),
      );
      order += 1;
    }
    return makePage(index + 1, section, slug, articles);
  });
  return {
    schemaVersion: 1,
    paper: { ...samplePaper },
    date,
    weekday: '星期六',
    number: 13355,
    pageCount: sections.length,
    pages,
    updated: beijingTime(date, '05:00', 0),
  };
};
