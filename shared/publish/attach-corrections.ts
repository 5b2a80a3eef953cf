import type { CorrectionTarget } from '../model/issue.ts';
import type { CorrectionNote, PublishedArticle, PublishedIssue } from '../model/published.ts';
import { finaliseIssue, publicationBase } from './merge-upload.ts';
import { formatBeijing, laterOf } from './publish-times.ts';
import { bigrams, dice, normaliseForMatching } from './similarity.ts';

/**
 * 更正 (correction) notices and the articles they correct. A notice is an item of its own (kind
 * `correction`, with `corrects: { date, page, title }` as printed); publishing it also attaches a
 * note to the corrected article, wherever in the site it is: its permalink shows the note, its
 * JSON-LD carries a `CorrectionComment`, and its feed entries change (`updated` moves to the
 * attachment time; ids never change). Retracting the notice detaches the note the same way.
 *
 * The notes live in the corrected article (`PublishedArticle.corrections`), so rebuilds and
 * re-uploads of the corrected page keep them; the notice's own issue is the source of truth,
 * and {@link syncCorrectionNotes} makes a target issue agree with it (idempotent).
 */

/** A correction notice of one issue, live or retracted. */
export interface CorrectionNotice {
  noticeDate: string;
  noticeId: string;
  noticePage: number;
  live: boolean;
  corrects: CorrectionTarget;
  text: string;
}

/** Correction notices on the pages one upload fed, grouped by the date they correct. */
const correctionNoticesOf = (issue: PublishedIssue, source: string): Map<string, CorrectionNotice[]> => {
  const byDate = new Map<string, CorrectionNotice[]>();
  for (const page of issue.pages) {
    if (page.source !== source) continue;
    for (const article of page.articles) {
      if (article.kind !== 'correction' || article.corrects === undefined) continue;
      const notice: CorrectionNotice = {
        noticeDate: issue.date,
        noticeId: article.id,
        noticePage: page.number,
        live: article.status === 'published',
        corrects: article.corrects,
        text: article.paragraphs.join(''),
      };
      byDate.set(article.corrects.date, [...(byDate.get(article.corrects.date) ?? []), notice]);
    }
  }
  return byDate;
};

/** Below this title similarity a notice corrects nothing here (the title was misprinted beyond recognition). */
const minTitleSimilarity = 0.6;

/**
 * The live article a notice means: on the printed page first, then anywhere in the issue; an
 * exact title (ignoring punctuation and spaces) wins, else the most similar one above
 * {@link minTitleSimilarity}. Teasers and other notices are never targets.
 */
const findCorrected = (
  issue: PublishedIssue,
  target: CorrectionTarget,
): { page: number; id: string } | undefined => {
  const wanted = normaliseForMatching(target.title);
  const grams = bigrams(target.title);
  const pages = [...issue.pages].sort(
    (a, b) => Number(b.number === target.page) - Number(a.number === target.page) || a.number - b.number,
  );
  let best: { page: number; id: string; score: number } | undefined;
  for (const page of pages) {
    for (const article of page.articles) {
      if (article.status !== 'published' || article.kind === 'teaser' || article.kind === 'correction')
        continue;
      const candidates = [article.title, `${article.kicker ?? ''}${article.title}${article.subtitle ?? ''}`];
      if (candidates.some((c) => normaliseForMatching(c) === wanted))
        return { page: page.number, id: article.id };
      const score = Math.max(...candidates.map((c) => dice(grams, bigrams(c))));
      if (score >= minTitleSimilarity && (best === undefined || score > best.score))
        best = { page: page.number, id: article.id, score };
    }
  }
  return best === undefined ? undefined : { page: best.page, id: best.id };
};

/** What a sync did with each notice: the article it is attached to, or undefined when not found. */
export type SyncResult = Map<string, { page: number; id: string } | undefined>;

/**
 * The target issue with notes matching the given notices of one notice date: each live notice's
 * note on the article it corrects (text kept, or updated when the notice changed), no note of a
 * retracted notice anywhere, no note of a notice on an article it no longer matches. Changed
 * articles get `updated = now`. Returns the issue itself when nothing changes.
 */
const syncCorrectionNotes = (
  issue: PublishedIssue,
  notices: readonly CorrectionNotice[],
  context: { now: Date; publicationTime: string },
  result: SyncResult = new Map(),
): PublishedIssue => {
  const nowText = formatBeijing(context.now.getTime());
  const wantedOn = new Map<string, CorrectionNotice[]>();
  for (const notice of notices) {
    const found = notice.live ? findCorrected(issue, notice.corrects) : undefined;
    if (notice.live) result.set(notice.noticeId, found);
    if (found) wantedOn.set(found.id, [...(wantedOn.get(found.id) ?? []), notice]);
  }
  const mine = (note: CorrectionNote) =>
    notices.some((n) => n.noticeDate === note.noticeDate && n.noticeId === note.noticeId);
  let changed = false;
  const pages = issue.pages.map((page) => ({
    ...page,
    articles: page.articles.map((article): PublishedArticle => {
      const before = article.corrections ?? [];
      const kept = before.filter((note) => !mine(note));
      const added = (wantedOn.get(article.id) ?? []).map((n): CorrectionNote => {
        const old = before.find((note) => note.noticeDate === n.noticeDate && note.noticeId === n.noticeId);
        const same = old !== undefined && old.text === n.text && old.noticePage === n.noticePage;
        return same
          ? old
          : {
              noticeDate: n.noticeDate,
              noticeId: n.noticeId,
              noticePage: n.noticePage,
              text: n.text,
              at: nowText,
            };
      });
      const after = [...kept, ...added].sort(
        (a, b) => a.noticeDate.localeCompare(b.noticeDate) || a.noticeId.localeCompare(b.noticeId),
      );
      if (sameNotes(before, after)) return article;
      changed = true;
      const { corrections: _old, ...rest } = article;
      return {
        ...rest,
        ...(after.length > 0 ? { corrections: after } : {}),
        updated: laterOf(article.updated, nowText),
      };
    }),
  }));
  if (!changed) return issue;
  return finaliseIssue(
    { ...issue, pages },
    publicationBase(issue, issue.date, context.publicationTime, context.now.getTime()),
  );
};

const sameNotes = (a: readonly CorrectionNote[], b: readonly CorrectionNote[]) =>
  a.length === b.length && a.every((note, i) => note === b[i]);

/** Commit a transform of one date's issue and everything derived from it (`commitAndPropagate`). */
export type CommitIssue = (
  date: string,
  transform: (previous: PublishedIssue | undefined) => PublishedIssue | undefined,
) => Promise<unknown>;

/**
 * After an upload's issue is committed (published or retracted): make every issue its
 * correction notices name agree with them. Returns report warnings for live notices whose
 * article is not in the site (the notice itself is published all the same).
 */
export const propagateCorrections = async (
  commit: CommitIssue,
  issue: PublishedIssue | undefined,
  source: string,
  context: { now: Date; publicationTime: string },
): Promise<string[]> => {
  if (issue === undefined) return [];
  const warnings: string[] = [];
  for (const [date, notices] of correctionNoticesOf(issue, source)) {
    const result: SyncResult = new Map();
    await commit(date, (previous) =>
      previous === undefined ? undefined : syncCorrectionNotes(previous, notices, context, result),
    );
    for (const notice of notices) {
      if (!notice.live || result.get(notice.noticeId) !== undefined) continue;
      const { page, title } = notice.corrects;
      warnings.push(
        `更正 ${notice.noticeId} (page ${notice.noticePage}) corrects ${date}${page === undefined ? '' : ` 第${page}版`}《${title}》, ` +
          'which is not published on this site: the notice is published, but no article carries its note',
      );
    }
  }
  return warnings;
};
