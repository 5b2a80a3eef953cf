/**
 * Text similarity for matching articles across versions of a page: the Dice coefficient of
 * character bigrams. Chinese has no spaces between words, so word-based measures do not apply;
 * bigrams of characters are the classic choice for CJK near-duplicate detection. A one-character
 * typo changes at most two bigrams, so short titles stay well above the match threshold.
 */

/** Whitespace, punctuation and symbols carry no identity (full-width and ASCII alike after NFKC). */
const noise = /[\s\p{P}\p{S}]/gu;

/** The normalised characters of a text (NFKC folds full-width letters and digits). */
export const normaliseForMatching = (text: string) => text.normalize('NFKC').replace(noise, '').toLowerCase();

/** The set of character bigrams of a text (a single character counts as its own gram). */
export const bigrams = (text: string): Set<string> => {
  const chars = Array.from(normaliseForMatching(text));
  const grams = new Set<string>();
  if (chars.length === 1) grams.add(chars[0]!);
  for (let i = 0; i + 1 < chars.length; i += 1) grams.add(chars[i]! + chars[i + 1]!);
  return grams;
};

/** Dice coefficient 2|A∩B| / (|A|+|B|) in [0, 1]; two empty sets are not similar. */
export const dice = (a: ReadonlySet<string>, b: ReadonlySet<string>): number => {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const gram of small) if (large.has(gram)) shared += 1;
  return (2 * shared) / (a.size + b.size);
};
