/**
 * Which article a photo belongs to (upload contract, shared/media/media-key.ts): the article of
 * its page whose title, or one of whose photo captions, begins with the label in the file name,
 * compared without spaces and punctuation (and full-width/half-width and letter case folded).
 * Nothing is guessed: no match, or several equally good ones, is reported with the labels that
 * would have matched.
 */

/** What a label is compared with. Narrow on purpose: any article shape can be mapped onto it. */
export interface LabelTarget {
  title: string;
  captions?: readonly string[];
}

export type PhotoMatch =
  | { status: 'matched'; index: number }
  /** No article of the page begins with the label; `candidates` are labels that would match one. */
  | { status: 'unmatched-photo'; label: string; candidates: string[] }
  /** Several articles begin with the label; `candidates` are labels that tell them apart. */
  | { status: 'ambiguous-photo'; label: string; candidates: string[] };

/** NFKC folds full-width letters and digits (Ｃ９１９ → C919) before spaces, punctuation and symbols go. */
const compact = (text: string) => text.normalize('NFKC').replace(/[\p{White_Space}\p{P}\p{S}]/gu, '');
const folded = (text: string) => compact(text).toLowerCase();

/** A model article (today's shape: one optional caption) as a {@link LabelTarget}. */
export const labelTargetOf = (article: { title: string; caption?: string | undefined }): LabelTarget =>
  article.caption === undefined
    ? { title: article.title }
    : { title: article.title, captions: [article.caption] };

const textsOf = (target: LabelTarget) => [target.title, ...(target.captions ?? [])].map(folded);

/** Shortest labels kept readable: four characters name most Chinese headlines. */
const minSuggestedLength = 4;

/**
 * A label for target `index`: the shortest beginning of its title (at least four characters, or
 * the whole title) that begins no other target's title or caption — or the whole title.
 */
export const suggestLabel = (targets: readonly LabelTarget[], index: number): string => {
  const title = compact(targets[index]!.title);
  const others = targets.flatMap((target, i) => (i === index ? [] : textsOf(target)));
  for (let length = Math.min(minSuggestedLength, title.length); length < title.length; length += 1) {
    const candidate = title.slice(0, length).toLowerCase();
    if (!others.some((text) => text.startsWith(candidate))) return title.slice(0, length);
  }
  return title;
};

/**
 * Match a photo's label against the articles of its page.
 *
 * An article whose title or caption equals the label wins over those it merely begins
 * (`衢州` names the article 衢州 rather than 衢州新闻); otherwise exactly one article must match.
 */
export const matchPhotoLabel = (label: string, targets: readonly LabelTarget[]): PhotoMatch => {
  const wanted = folded(label);
  const texts = targets.map(textsOf);
  const matching =
    wanted === '' ? [] : texts.flatMap((list, i) => (list.some((t) => t.startsWith(wanted)) ? [i] : []));
  if (matching.length === 1) return { status: 'matched', index: matching[0]! };
  if (matching.length === 0) {
    return { status: 'unmatched-photo', label, candidates: targets.map((_, i) => suggestLabel(targets, i)) };
  }
  const exact = matching.filter((i) => texts[i]!.includes(wanted));
  if (exact.length === 1) return { status: 'matched', index: exact[0]! };
  return { status: 'ambiguous-photo', label, candidates: matching.map((i) => suggestLabel(targets, i)) };
};
