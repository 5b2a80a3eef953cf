import type { Article } from '../model/issue.ts';
import { bigrams, dice } from './similarity.ts';

/**
 * Id reconciliation (docs/publishing.md): when a page is uploaded again, each new article keeps
 * the id of the article it continues from the previous version of that page, so a typo fix in a
 * title or body, or the insertion or removal of other articles, never changes a permalink or a
 * feed GUID.
 *
 * 1. Exact content matches first (same content hash), in reading order.
 * 2. Then near matches: every remaining (new, old) pair scored by the Dice coefficient of the
 *    character bigrams of title + subtitle + the start of the body; pairs at or above
 *    {@link matchThreshold} are taken greedily, best score first (ties by position, so the result
 *    is deterministic).
 * 3. New articles left unmatched are new: they keep the reader's proposed id.
 */

/** Minimum similarity for two versions to be the same article. */
const matchThreshold = 0.5;

/** How much body text takes part in matching: enough to identify, cheap to compare. */
const bodySampleChars = 400;

/** The text that identifies an article for matching. */
const identityText = (article: Pick<Article, 'title' | 'subtitle' | 'paragraphs' | 'caption'>) => {
  const body = [...article.paragraphs, article.caption ?? ''].join('').slice(0, bodySampleChars);
  return `${article.title}${article.subtitle ?? ''}${body}`;
};

export interface MatchCandidate {
  article: Pick<Article, 'title' | 'subtitle' | 'paragraphs' | 'caption'>;
  contentHash: string;
}

/**
 * Match new articles to previous ones. Returns, for each new article (by index), the index of
 * the previous article it continues, or undefined when it is new. Each previous article is
 * matched at most once.
 */
export const matchArticles = (
  previous: readonly MatchCandidate[],
  next: readonly MatchCandidate[],
): Array<number | undefined> => {
  const result: Array<number | undefined> = next.map(() => undefined);
  const taken = new Set<number>();

  next.forEach((candidate, n) => {
    const p = previous.findIndex((old, i) => !taken.has(i) && old.contentHash === candidate.contentHash);
    if (p >= 0) {
      result[n] = p;
      taken.add(p);
    }
  });

  const nextGrams = next.map((c) => bigrams(identityText(c.article)));
  const previousGrams = previous.map((c) => bigrams(identityText(c.article)));
  const pairs: Array<{ n: number; p: number; score: number }> = [];
  nextGrams.forEach((grams, n) => {
    if (result[n] !== undefined) return;
    previousGrams.forEach((old, p) => {
      if (taken.has(p)) return;
      const score = dice(grams, old);
      if (score >= matchThreshold) pairs.push({ n, p, score });
    });
  });
  pairs.sort((a, b) => b.score - a.score || a.n - b.n || a.p - b.p);
  for (const { n, p } of pairs) {
    if (result[n] !== undefined || taken.has(p)) continue;
    result[n] = p;
    taken.add(p);
  }
  return result;
};

/** A proposed id made unique against ids already used in the issue (`-2`, `-3`, …). */
export const uniqueId = (proposed: string, taken: ReadonlySet<string>) => {
  if (!taken.has(proposed)) return proposed;
  // Ids are at most 64 characters (issue model); leave room for the suffix.
  const base = proposed.slice(0, 60);
  for (let n = 2; ; n += 1) {
    const id = `${base}-${n}`;
    if (!taken.has(id)) return id;
  }
};
