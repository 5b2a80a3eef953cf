import { createHash } from 'node:crypto';

/**
 * Proposed article id: page number plus 8 hex digits of a hash of the article's identity text
 * (title, else the first paragraph). Publishing reconciles proposed ids with the previous
 * version of the page (shared/publish), so the proposal only has to be unique and deterministic.
 */
export const proposeArticleId = (
  page: number,
  identityText: string,
  taken: ReadonlySet<string> = new Set(),
) => {
  const base = `p${page}-${createHash('sha256').update(identityText.normalize('NFC')).digest('hex').slice(0, 8)}`;
  let id = base;
  for (let n = 2; taken.has(id); n += 1) id = `${base}-${n}`;
  return id;
};
