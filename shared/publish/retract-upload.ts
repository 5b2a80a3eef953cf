import type { PublishedIssue } from '../model/published.ts';
import { finaliseIssue } from './merge-upload.ts';
import { formatBeijing } from './publish-times.ts';
import { isLivePage } from './site-state.ts';

/**
 * The issue after the upload `source` was deleted: every live article of the pages that came
 * from it becomes `retracted` (with `retractedAt`). The articles stay in the document: feeds turn
 * them into Atom tombstones (RFC 6721) and the permalink answers 410 Gone. Pages that a later
 * upload replaced carry that upload's key as their source and are not touched.
 *
 * Returns the previous document itself when nothing changes (a repeated removal).
 */
export const retractUpload = (previous: PublishedIssue, source: string, now: Date): PublishedIssue => {
  const affected = previous.pages.some((p) => p.source === source && isLivePage(p));
  if (!affected) return previous;
  const at = formatBeijing(now.getTime());
  const first = previous.pages.flatMap((p) => p.articles)[0];
  const base =
    first === undefined ? Date.parse(previous.updated) : Date.parse(first.published) + first.order * 1000;
  return finaliseIssue(
    {
      ...previous,
      pages: previous.pages.map((page) =>
        page.source !== source
          ? page
          : {
              ...page,
              articles: page.articles.map((a) =>
                a.status === 'published' ? { ...a, status: 'retracted' as const, retractedAt: at } : a,
              ),
            },
      ),
    },
    base,
  );
};
