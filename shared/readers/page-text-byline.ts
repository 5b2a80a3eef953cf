import type { Contributor, ContributorRole } from '../model/issue.ts';

/**
 * Bylines as printed in leads and photo credits: role words (记者 reporter, 通讯员
 * correspondent, 报道组 reporting team, 摄影 photographer, 编辑/整理 editor, 作者 author,
 * 特约评论员 commentator, 读者 reader) each followed by the names they apply to, e.g.
 * `记者 胡灵萍 通讯员 余黎红 李若莹`; and the author lines of 副刊/评论 pages (`□ 周晓燕`,
 * `本报评论员`, `文/图 记者 王五`, `文 张三 图 李四`), see {@link readAuthorLine}.
 */

/** Role words, longest first so `摄影记者` wins over `记者`. */
const roleWords: ReadonlyArray<readonly [word: string, role: ContributorRole]> = [
  ['本报特约评论员', 'commentator'],
  ['特约评论员', 'commentator'],
  ['本报首席记者', 'reporter'],
  ['本报见习记者', 'reporter'],
  ['本报特约记者', 'reporter'],
  ['本报通讯员', 'correspondent'],
  ['本报报道组', 'reporting-team'],
  ['特约通讯员', 'correspondent'],
  ['首席记者', 'reporter'],
  ['见习记者', 'reporter'],
  ['特约记者', 'reporter'],
  ['摄影记者', 'photographer'],
  ['特约摄影', 'photographer'],
  ['本报记者', 'reporter'],
  ['记者', 'reporter'],
  ['实习生', 'reporter'],
  ['通讯员', 'correspondent'],
  ['报道组', 'reporting-team'],
  ['摄影', 'photographer'],
  ['编辑', 'editor'],
  ['整理', 'editor'],
  ['编译', 'editor'],
  ['评论员', 'commentator'],
  ['作者', 'author'],
  ['读者', 'reader'],
];

/** The paper's editorial voice: an institutional author whose name is the byline itself. */
const institutionNames = new Set(['本报评论员', '本报特约评论员', '本报编辑部']);

/** A personal name: 2–5 Han characters (with the · of transliterated names) or a Latin name. */
const nameRe = /^(?:[\p{Script=Han}·]{2,5}|[A-Za-z][A-Za-z.'-]{1,30})$/u;
const separatorRe = /[\s\u3000、,，;；/]+/;

/** True when the text starts with a role word (a byline, not a dateline's stray parenthesis). */
export const startsWithRole = (text: string) => roleWords.some(([word]) => text.startsWith(word));

/** A colon after a role word, as some bylines print it: `记者：张三`. */
const roleColonRe = /^[:：]/;
/**
 * Marks printed after names: `张三/文 李四/摄`, `记者 张三 李四 摄`. 摄 (and 摄影) make the
 * names since the previous mark or role word photographers; 文 keeps them as they are.
 */
const photoMarks = new Set(['摄', '摄影']);
const textMarks = new Set(['文', '文字']);
/**
 * Marks printed before names (`文 张三 图 李四`, `文/图 记者 王五`): 文 credits the writing, 图
 * the pictures. A line that starts with one reads every mark as a prefix.
 */
const prefixTextMarks = new Set(['文', '文字']);
const prefixPhotoMarks = new Set(['图', '摄', '摄影']);

/**
 * People named in a byline, with their roles. Names before any role word count as reporters
 * (a bare `(徐颖之)` after 本报讯 is the reporter), or as `defaultRole`. Tokens that are not names
 * are dropped. `roleOverride` forces every role (photo credits: all named people took the picture).
 * A byline that starts with a 文/图 mark reads marks as prefixes: `文 张三 图 李四` is the author
 * 张三 and the photographer 李四; `文/图 记者 王五` is 王五 as reporter and as photographer.
 */
export const parseByline = (
  printed: string,
  roleOverride?: ContributorRole,
  defaultRole: ContributorRole = 'reporter',
): Contributor[] => {
  const people: Contributor[] = [];
  let role: ContributorRole = defaultRole;
  const tokens = printed.split(separatorRe).filter((t) => t !== '');
  const prefixed = roleOverride === undefined && tokens[0] !== undefined && isPrefixMark(tokens[0]);
  /** Prefix mode: what the marks before the current names credit. */
  let credit = { text: false, photo: false };
  let marksRun = false;
  /** Index of the first person the next 摄/文 mark applies to. */
  let markFrom = 0;
  for (const raw of tokens) {
    let token = raw;
    if (prefixed && isPrefixMark(token)) {
      // A new run of marks (`图` after `文 张三`) replaces the credit; `文/图` accumulates.
      if (!marksRun) credit = { text: false, photo: false };
      if (prefixTextMarks.has(token)) credit.text = true;
      else credit.photo = true;
      marksRun = true;
      role = credit.text ? 'author' : 'photographer';
      continue;
    }
    marksRun = false;
    if (!prefixed && (photoMarks.has(token) || textMarks.has(token))) {
      if (photoMarks.has(token) && roleOverride === undefined) {
        for (let i = markFrom; i < people.length; i += 1) people[i] = { ...people[i]!, role: 'photographer' };
      }
      markFrom = people.length;
      continue;
    }
    if (institutionNames.has(token)) {
      people.push({ name: token, role: roleOverride ?? 'institution' });
      continue;
    }
    // A role word may be glued to the first name (记者徐颖之) or stand alone (记者 徐颖之).
    for (const [word, wordRole] of roleWords) {
      if (token.startsWith(word)) {
        role = wordRole;
        token = token.slice(word.length).replace(roleColonRe, '');
        markFrom = people.length;
        break;
      }
    }
    if (token === '' || !nameRe.test(token)) continue;
    people.push({ name: token, role: roleOverride ?? role });
    if (prefixed && credit.text && credit.photo && role !== 'photographer')
      people.push({ name: token, role: 'photographer' });
  }
  return people;
};

const isPrefixMark = (token: string) => prefixTextMarks.has(token) || prefixPhotoMarks.has(token);

const authorMarkerRe = /^[□■●◆][\s\u3000]*/;
const signatureParenRe = /^[(（][\s\u3000]*(.+?)[\s\u3000]*[)）]$/;
/** Role words a name may be glued to in an author line (记者徐颖之); the others stand alone. */
const gluedRoleSource = roleWords
  .map(([w]) => w)
  .filter((w) => /记者|通讯员|报道组|实习生/.test(w))
  .join('|');
const aloneRoleSource = [...roleWords.map(([w]) => w), ...institutionNames].join('|');
/**
 * One token of an author line: a role word alone, a news role word with its name glued on, a
 * 文/图 mark alone, or a name. `文化强市` is no `文` mark with a name: marks never glue.
 */
const bylineTokenRe = new RegExp(
  `^(?:(?:${aloneRoleSource})[:：]?|(?:${gluedRoleSource})[:：]?[\\p{Script=Han}·]{2,4}|文字?|图|摄影?|[\\p{Script=Han}·]{2,4})$`,
  'u',
);
/** A token that says "byline": a role word alone, a news role word glued to a name, or a mark. */
const roleOrMarkRe = new RegExp(
  `^(?:(?:${aloneRoleSource})[:：]?$|(?:${gluedRoleSource})|(?:文字?|图)$)`,
  'u',
);
const maxAuthorLineLength = 60;
/** Every author line has a marker, a bracket, a role word or a 文/图 mark somewhere. */
const maybeAuthorLineRe = new RegExp(
  `^[□■●◆(（]|^(?:文字?|图)[\\s\\u3000/]|${aloneRoleSource}|${gluedRoleSource}`,
  'u',
);

/**
 * The contributors of a line that holds nothing but a byline of the 副刊/评论 kind, or
 * `undefined`: `□ 特约评论员 张三`, `本报评论员`, `作者 张三`, `文/图 记者 王五`, `文 张三 图 李四`,
 * a reader's signature `读者 赵六`, a bracketed signature `(记者 张三)`. A line of bare names
 * needs the □ marker (`□ 周晓燕`, read as the author): a verse line is never a byline.
 */
export const readAuthorLine = (text: string): Contributor[] | undefined => {
  // Called for every short body line: most are headlines or text, told apart in one test.
  if (text.length > maxAuthorLineLength || !maybeAuthorLineRe.test(text)) return undefined;
  const marker = authorMarkerRe.exec(text);
  let rest = marker ? text.slice(marker[0].length) : text;
  const paren = signatureParenRe.exec(rest);
  if (paren?.[1]) rest = paren[1];
  const tokens = rest.split(separatorRe).filter((t) => t !== '');
  if (tokens.length === 0 || !tokens.every((t) => bylineTokenRe.test(t))) return undefined;
  const roled = tokens.some((t) => roleOrMarkRe.test(t));
  // Bare names need the marker, and are personal names (2–3 characters): `□ 一线调研` is a column.
  if (!roled && (marker === null || tokens.some((t) => t.length > 3))) return undefined;
  const people = parseByline(rest, undefined, marker ? 'author' : 'reporter');
  return people.length > 0 ? people : undefined;
};

const creditRoleSource = '(?:本报)?(?:摄影记者|特约摄影|见习记者|记者|通讯员|摄影)?';
const creditNameSource = '[\\p{Script=Han}·]{2,4}';
/**
 * A photo credit at the very end of a caption: `… 记者 刘芸 摄`, `(通讯员 张三 李四 摄)`,
 * `刘芸/摄`. It must follow a space or sentence punctuation, so the last characters of the
 * caption are never read as a name.
 */
const photoCreditRe = new RegExp(
  `[\\s\\u3000。.!?！？”"）)][(（]?\\s*(${creditRoleSource}\\s*${creditNameSource}(?:\\s+${creditRoleSource}\\s*${creditNameSource})*)\\s*/?\\s*摄\\s*[)）]?$`,
  'u',
);
/** Credits are short: look at the tail only, so a long caption costs no regex backtracking. */
const creditTailLength = 48;
const keptSeparatorRe = /[。.!?！？”"）)]/;

/** A caption split into its text and photographers, or `undefined` when there is no credit. */
export const splitPhotoCredit = (
  printed: string,
): { caption: string; photographers: Contributor[] } | undefined => {
  const last = printed.at(-1);
  if (last !== '摄' && last !== ')' && last !== '）') return undefined;
  // A leading space stands in for "start of caption" (a credit alone on its line); a tail cut
  // from a longer caption gets none, so a word cut in half can never pass for a name.
  const whole = printed.length <= creditTailLength;
  const tail = whole ? ` ${printed}` : printed.slice(printed.length - creditTailLength);
  const base = whole ? -1 : printed.length - creditTailLength;
  const match = photoCreditRe.exec(tail);
  if (!match?.[1]) return undefined;
  const photographers = parseByline(match[1], 'photographer');
  if (photographers.length === 0) return undefined;
  const keep = keptSeparatorRe.test(match[0].charAt(0)) ? 1 : 0;
  const caption = printed.slice(0, Math.max(0, base + match.index + keep)).trim();
  return { caption, photographers };
};
