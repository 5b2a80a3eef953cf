import type { Contributor, Jump } from '../model/issue.ts';
import { parseByline, readAuthorLine, splitPhotoCredit, startsWithRole } from './page-text-byline.ts';
import type { TextLine } from './page-text-lines.ts';
import { numeralSource, parseNumeral } from './page-text-numerals.ts';

/**
 * What one line of the page body is, judged from its own text first and then from the line
 * after it (a short line right before a 本报讯 lead is a headline even if it has a comma).
 *
 * - `editor`: 责任编辑:林俊 电话:8070805
 * - `jump`: 详见今日第四版, (下转第四版) — a pointer to another page
 * - `continued`: (上接第一版) — the other end of a jump; carries nothing
 * - `lead`: 本报讯(记者 徐颖之)11月26日,… or 新华社北京11月29日电 …
 * - `caption`: a photo caption ending in its credit, … 记者 刘芸 摄, or led by 图片说明：
 * - `byline`: a line holding only a byline, 记者 张三 通讯员 李四, or an author line of the
 *   副刊/评论 kind (`□ 特约评论员 张三`, `文/图 记者 王五`), or a signature (`读者 赵六`, `(记者 张三)`)
 * - `label`: a column label (栏目) such as 今日导读, or one in brackets, 【民生速递】
 * - `heading`: a headline line (short, no sentence punctuation)
 * - `prose`: paragraph text, possibly cut by a column break
 */
export type BlockKind =
  | 'editor'
  | 'jump'
  | 'continued'
  | 'lead'
  | 'caption'
  | 'byline'
  | 'label'
  | 'heading'
  | 'prose';

export interface Block extends TextLine {
  kind: BlockKind;
  /** The text ends a sentence: a column break cannot have cut it (prose only). */
  final: boolean;
}

/**
 * A byline printed at the end of a piece rather than under its title: a reader's signature
 * (`读者 赵六`) or a bracketed one (`(记者 张三)`). It closes the piece above; it opens nothing.
 */
export const isSignature = (block: Block) =>
  block.kind === 'byline' && (/^[(（]/.test(block.text) || /^[□■●◆]?[\s\u3000]*读者/.test(block.text));

const closers = new Set(['”', '’', '"', "'", '」', '』', ')', '）', '》', '】']);
const finals = new Set(['。', '.', '!', '?', '！', '？', '…', ';', '；', ':', '：', '—']);
const endMarkRe = /[(（](?:完|终|待续|未完待续)[)）]$/;

/**
 * True when the text ends a sentence (。!?…;: or a dash, full- or half-width), also behind
 * closing quotes or brackets (`…说。”`). `…“延补强建”` ends inside a sentence: the quote
 * closes a phrase, not a sentence.
 */
export const isSentenceFinal = (text: string) => {
  let i = text.length - 1;
  while (i >= 0 && closers.has(text[i]!)) i -= 1;
  if (i >= 0 && finals.has(text[i]!)) return true;
  return endMarkRe.test(text);
};

const jumpRe = new RegExp(
  `^[(（]?\\s*(?:详见|下转|转至|转|请见|见)(?:今日|本报)?\\s*第?\\s*(${numeralSource})\\s*版(?:[\\p{Script=Han}]{0,6})?\\s*[)）]?$`,
  'u',
);
const continuedRe = new RegExp(
  `^[(（]?\\s*(?:上接|接|续)(?:今日|本报)?\\s*第?\\s*(${numeralSource})\\s*版\\s*[)）]?$`,
);
/**
 * The same marker printed in brackets at the start of the continued text, on the same line:
 * `(上接第一版)要强化全周期管理,…`. The brackets are required here, so a sentence that starts
 * with 接… is never cut.
 */
const leadingContinuedRe = new RegExp(
  `^[(（]\\s*(?:上接|接|续)(?:今日|本报)?\\s*第?\\s*(?:${numeralSource})\\s*版\\s*[)）][\\s\\u3000]*`,
);
/** A jump printed at the end of a paragraph: `…作出更大贡献。(下转第四版)` */
const trailingJumpRe = new RegExp(
  `[(（]\\s*(?:下转|转|详见)(?:今日)?\\s*第?\\s*(${numeralSource})\\s*版\\s*[)）]$`,
);
const maxJumpLength = 24;

/** The page a jump line points to, with the line as printed. */
export const parseJump = (text: string): Jump | undefined => {
  const match = jumpRe.exec(text);
  const page = match?.[1] === undefined ? undefined : parseNumeral(match[1]);
  return page === undefined || page < 1 || page > 999 ? undefined : { page, label: text };
};

/**
 * Where a `(上接第一版)` marker says the text below comes from, as a jump back to that page, so
 * publishing links the continuation to the article it continues (label without brackets).
 */
export const parseContinued = (text: string): Jump | undefined => {
  const match = continuedRe.exec(text);
  const page = match?.[1] === undefined ? undefined : parseNumeral(match[1]);
  if (page === undefined || page < 1 || page > 999) return undefined;
  return { page, label: text.replace(/^[(（]\s*|\s*[)）]$/g, '') };
};

/** A paragraph with a jump at its end: the paragraph without it, and the jump. */
export const splitTrailingJump = (text: string): { text: string; jump: Jump } | undefined => {
  const match = trailingJumpRe.exec(text);
  const page = match?.[1] === undefined ? undefined : parseNumeral(match[1]);
  if (!match || page === undefined || page < 1 || page > 999) return undefined;
  return { text: text.slice(0, match.index).trim(), jump: { page, label: match[0].slice(1, -1).trim() } };
};

/**
 * Dateline leads: 本报讯, 本报杭州讯, 本报杭州11月29日讯, 新华社北京11月29日电, 据新华社… The place/date part is
 * matched lazily so a later 电 in the sentence is never taken for the dateline's.
 */
const datelineRe =
  /^(?:本报讯|本报[\p{Script=Han}\d]{1,14}?讯|据?(?:新华社|中新社|人民日报|光明日报|经济日报|浙江日报)[\p{Script=Han}\d]{0,16}?电)/u;
const bylineParenRe = /^[\s\u3000]*[(（]([^()（）]{1,80})[)）]/;
const allNamesRe = /^[\p{Script=Han}·]{2,4}(?:[\s\u3000、]+[\p{Script=Han}·]{2,4})*$/u;

/** A lead split into dateline, byline and the paragraph text after them. */
export const parseLead = (text: string): { dateline: string; byline: Contributor[]; text: string } => {
  const dateline = datelineRe.exec(text)?.[0] ?? '';
  let rest = text.slice(dateline.length);
  let byline: Contributor[] = [];
  const paren = bylineParenRe.exec(rest);
  // Only a parenthesis that reads as a byline is one: 本报讯(11月29日)… keeps its text.
  if (paren?.[1] && (startsWithRole(paren[1].trim()) || allNamesRe.test(paren[1].trim()))) {
    byline = parseByline(paren[1]);
    rest = rest.slice(paren[0].length);
  }
  return { dateline, byline, text: rest.trim() };
};

const bylineRoleSource =
  '(?:本报)?(?:记者|通讯员|报道组|见习记者|特约记者|首席记者|实习生)[\\s\\u3000]*[:：]?';
const bylineLineRe = new RegExp(
  `^[□■●]?[\\s\\u3000]*${bylineRoleSource}[\\s\\u3000]*[\\p{Script=Han}·]{2,4}(?:[\\s\\u3000、]+(?:${bylineRoleSource}[\\s\\u3000]*)?[\\p{Script=Han}·]{2,4})*$`,
  'u',
);
const maxBylineLength = 60;

/** Column labels (栏目) this paper prints on their own line. */
const knownLabels = new Set([
  '今日导读',
  '导读',
  '图片新闻',
  '新闻速递',
  '民生速递',
  '简讯',
  '短讯',
  '快讯',
  '时评',
  '评论',
  '社论',
  '本报评论员',
  '一线观察',
  '基层传真',
  '图说衢州',
  '看点',
  '读者来信',
  '来信',
  '读者之声',
  '散文',
  '随笔',
  '诗歌',
  '书评',
]);
const bracketLabelRe = /^(?:【([^】]{1,12})】|［([^］]{1,12})］|\[([^\]]{1,12})\]|[■□◆●▲★]\s*(\S{1,12}))$/;

/** The column name of a label line, or `undefined` when the line is no label. */
export const readLabel = (text: string): string | undefined => {
  if (knownLabels.has(text)) return text;
  const match = bracketLabelRe.exec(text);
  return match ? (match[1] ?? match[2] ?? match[3] ?? match[4])?.trim() || undefined : undefined;
};

/** A caption introduced by its label, with or without a credit: `图片说明：…`, `图说：…`. */
export const captionLabelRe = /^(?:图片说明|图说)[\s\u3000]*[:：][\s\u3000]*/;

/** Numbered subheads inside an article (一、… / (二)…): paragraphs of their own, never cut. */
const subheadRe = /^(?:[一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十]{1,3}[)）])/;
const sentenceInsideRe = /[。;；!?！？]/;
const clauseRe = /[,，、:：]/;
/** A space between two non-ASCII characters: how this layout separates headline parts. */
export const cjkSpaceRe = /[^\x00-\x7F][\s\u3000]+[^\x00-\x7F]/;
const segmentSplitRe = /[\s\u3000]+/;
const maxHeadingSegment = 40;
const maxHeadingLength = 120;
const editorMarker = '责任编辑';
/** `责任编辑:林俊 …` as a line of its own or a part of one; never a sentence that mentions one. */
const editorLineRe = /^(?!.*[。,，;；]).*(?:^|[\s\u3000])(?:本版)?责任编辑[\s\u3000]*[:：\s\u3000]/;
const maxEditorLineLength = 80;

/** Could this text be (part of) a headline at all? */
const headingCompatible = (text: string) =>
  text.length <= maxHeadingSegment && !sentenceInsideRe.test(text) && !isSentenceFinal(text);

const headlineMarkRe = /[!?！？]/;
const headlineMarksRe = /[!?！？]/g;
const fullStopRe = /[。;；]/;
/**
 * Headlines may ask or exclaim (`如何破解“停车难”？`, `冲刺！冲刺！`), which makes them look like
 * finished sentences. Only the position before an article body tells them apart from prose.
 */
const markedHeadingCompatible = (text: string) =>
  headlineMarkRe.test(text) &&
  !fullStopRe.test(text) &&
  text.split(segmentSplitRe).every((s) => headingCompatible(s.replace(headlineMarksRe, '')));

const isHeading = (text: string) => {
  if (text.length > maxHeadingLength || sentenceInsideRe.test(text) || isSentenceFinal(text)) return false;
  if (cjkSpaceRe.test(text)) return text.split(segmentSplitRe).every((s) => s.length <= maxHeadingSegment);
  return text.length <= maxHeadingSegment && !clauseRe.test(text);
};

const classifyLine = (text: string): BlockKind => {
  if (text.length <= maxEditorLineLength && text.includes(editorMarker) && editorLineRe.test(text))
    return 'editor';
  if (text.length <= maxJumpLength) {
    if (jumpRe.test(text)) return 'jump';
    if (continuedRe.test(text)) return 'continued';
  }
  if (datelineRe.test(text)) return 'lead';
  if (splitPhotoCredit(text) || captionLabelRe.test(text)) return 'caption';
  if (text.length <= maxBylineLength && bylineLineRe.test(text)) return 'byline';
  if (readLabel(text) !== undefined) return 'label';
  if (readAuthorLine(text) !== undefined) return 'byline';
  if (subheadRe.test(text)) return 'prose';
  return isHeading(text) ? 'heading' : 'prose';
};

const startsArticleBody = new Set<BlockKind>(['lead', 'jump', 'caption', 'byline']);

const toBlock = (text: string, line: number, gap: boolean | undefined): Block => {
  const kind = classifyLine(text);
  const block: Block = {
    text,
    line,
    kind,
    final: kind === 'prose' && (subheadRe.test(text) || isSentenceFinal(text)),
  };
  if (gap) block.gap = true;
  return block;
};

/**
 * Classify the body lines. Line by line first; then, walking backwards, a short unfinished
 * line right before a lead, jump, caption or byline becomes a headline (`大爱,在对门延续` /
 * `详见今日第二版`): paragraphs are never followed directly by those. The same holds for such
 * a line right before a headline that opens an article (a kicker 引题 with a comma,
 * `坚持问题导向，强化系统观念`), and for a short line that asks or exclaims (`如何破解“停车难”？`).
 * A `(上接第一版)` marker at the start of a paragraph becomes a `continued` block of its own.
 */
export const classifyBlocks = (lines: readonly TextLine[]): Block[] => {
  const blocks: Block[] = [];
  for (const { text, line, gap } of lines) {
    const marker = leadingContinuedRe.exec(text);
    if (marker && marker[0].length < text.length) {
      blocks.push({ text: marker[0].trim(), line, kind: 'continued', final: false });
      blocks.push(toBlock(text.slice(marker[0].length), line, undefined));
    } else blocks.push(toBlock(text, line, gap));
  }
  // The article body the block after i reaches (through a run of headline lines), if any.
  let body: BlockKind | undefined;
  for (let i = blocks.length - 2; i >= 0; i -= 1) {
    const block = blocks[i]!;
    const next = blocks[i + 1]!;
    // A signature ends the piece above it: the line before it is that piece's last line.
    body =
      startsArticleBody.has(next.kind) && !isSignature(next)
        ? next.kind
        : next.kind === 'heading'
          ? body
          : undefined;
    const headsArticle = body !== undefined;
    // Photo titles carry no commas; a short clause before a credit is a caption cut in two.
    const clauseAllowed = body !== 'caption' || !clauseRe.test(block.text);
    if (
      block.kind === 'prose' &&
      headsArticle &&
      clauseAllowed &&
      ((!block.final && headingCompatible(block.text)) || markedHeadingCompatible(block.text))
    ) {
      block.kind = 'heading';
      block.final = false;
    }
  }
  return blocks;
};

/** Whether the block can only open a new article (so a cut paragraph before it stays cut). */
export const opensArticle = (block: Block | undefined) =>
  block !== undefined && (startsArticleBody.has(block.kind) || block.kind === 'heading');
