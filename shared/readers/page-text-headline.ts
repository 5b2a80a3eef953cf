import type { Article } from '../model/issue.ts';

/**
 * Headlines of this layout. One line may hold several parts separated by spaces
 * (`高屹率团赴韩国开展经贸考察访问 扎实推进高水平对外开放 加快培育高质量发展新动能`): the first
 * part is the title (主题) and the rest, as printed, the subtitle (副题). Several lines stacked
 * above a lead read: an optional short column label (栏目, at most 6 characters), an optional
 * kicker (引题), the title line, and an optional subtitle line starting with a dash (——).
 * Photo titles are stacked couplets (`古城韵味` / `大美衢州`): every line is the title.
 * `printedHeadline` joins the parts back into the headline as printed.
 */
export interface HeadlineParts {
  column?: string;
  kicker?: string;
  title: string;
  subtitle?: string;
}

const partSplitRe = /[\s\u3000]+/;
const subtitleDashRe = /^(?:——|—|--|－－)\s*/;
const shortLabelRe = /^[\p{Script=Han}·]{2,6}$/u;

/** Split the headline lines of one article into its parts. */
export const splitHeadline = (lines: readonly string[], photo: boolean): HeadlineParts => {
  if (photo || lines.length === 0) return { title: lines.join(' ') };
  const rest = [...lines];
  const parts: Omit<HeadlineParts, 'title'> = {};
  if (rest.length >= 2 && shortLabelRe.test(rest[0]!)) parts.column = rest.shift();
  let subtitleLine: string | undefined;
  if (rest.length >= 2 && subtitleDashRe.test(rest.at(-1)!)) {
    subtitleLine = rest.pop()!.replace(subtitleDashRe, '');
  }
  const titleLine = rest.pop()!;
  if (rest.length > 0) parts.kicker = rest.join(' ');
  const [title, ...more] = titleLine.split(partSplitRe);
  const subtitle = [more.join(' '), subtitleLine].filter((s) => s).join(' ');
  if (subtitle) parts.subtitle = subtitle;
  return { ...parts, title: title! };
};

/** The whole headline as printed (kicker, title, subtitle), e.g. to match a jump's teaser. */
export const printedHeadline = (article: Pick<Article, 'kicker' | 'title' | 'subtitle'>) =>
  [article.kicker, article.title, article.subtitle].filter((part) => part).join(' ');
