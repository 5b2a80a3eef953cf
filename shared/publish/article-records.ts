import type { ArticleRecord, PublishedIssue } from '../model/published.ts';
import { articleKey } from '../site-layout.ts';

/**
 * The article records of an issue (`articles/<date>/<id>.json`): one per article, retracted ones
 * included, so the permalink function answers every id ever published (200 or 410) in one read.
 */
export const articleRecordsOf = (issue: PublishedIssue): Array<{ key: string; record: ArticleRecord }> =>
  issue.pages.flatMap((page) =>
    page.articles.map((article) => ({
      key: articleKey(issue.date, article.id),
      record: {
        schemaVersion: 1 as const,
        date: issue.date,
        paper: issue.paper,
        issue: {
          weekday: issue.weekday,
          lunarDate: issue.lunarDate,
          number: issue.number,
          pageCount: issue.pageCount,
        },
        page: {
          number: page.number,
          section: page.section,
          sectionSlug: page.sectionSlug,
          editor: page.editor,
        },
        article,
      },
    })),
  );
