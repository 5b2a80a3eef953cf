import type { Contributor, Jump } from '../model/issue.ts';
import {
  type Block,
  captionLabelRe,
  cjkSpaceRe,
  isSentenceFinal,
  isSignature,
  opensArticle,
  parseContinued,
  parseJump,
  parseLead,
  readLabel,
  splitTrailingJump,
} from './page-text-blocks.ts';
import { parseByline, readAuthorLine, splitPhotoCredit } from './page-text-byline.ts';
import { correctionLeadText, isCorrectionHeading } from './page-text-correction.ts';
import { readEditorName } from './page-text-header.ts';
import { stanzasOf, verseEnd } from './page-text-verse.ts';

/**
 * The body of a page grouped into pieces (drafts), in reading order: which lines are headlines,
 * bylines, text, captions and jumps of which piece, and which lines went nowhere (`unplaced`).
 * The reader (page-text-reader.ts) turns drafts into articles.
 */

/** Paragraphs being collected: an article's body, or text waiting for its headline. */
interface Body {
  paragraphs: string[];
  /** The last paragraph was cut by a column break and continues in the next prose line. */
  open: boolean;
  jump?: Jump;
}

export interface Draft extends Body {
  line: number;
  headline: string[];
  column?: string;
  byline: Contributor[];
  dateline?: string;
  photo: boolean;
  caption?: string;
  /** The text continues an article from another page (`(上接第一版)`): news, not a teaser. */
  continued: boolean;
  /** A poem: `paragraphs` are its stanzas, lines joined by `\n`. */
  verse?: boolean;
  /** A 更正 notice. */
  correction?: boolean;
}

/**
 * A body line the reader could not place in the model (a banner, a label with no article under
 * it, a stray marker). It is never dropped silently: the upload report lists it as a warning.
 */
export interface UnplacedLine {
  line: number;
  text: string;
}

const addText = (body: Body, printed: string, final: boolean) => {
  let text = printed;
  const trailing = splitTrailingJump(text);
  if (trailing) {
    text = trailing.text;
    body.jump = trailing.jump;
  }
  if (text === '') return;
  const last = body.paragraphs.length - 1;
  // Column-break repair: the cut paragraph and its continuation are one paragraph, joined
  // without a separator (Chinese typesetting puts no space between words).
  if (body.open && last >= 0) body.paragraphs[last] += text;
  else body.paragraphs.push(text);
  body.open = !(trailing !== undefined || final);
};

/**
 * Walk the classified body lines and group them into article drafts, in reading order.
 * A headline (one or more heading lines) opens an article when a lead, byline, prose, caption
 * or jump follows it; a headline followed by nothing of that (a banner such as 工业强市 产业兴市
 * before the editor line) is reported as unplaced. Prose before any headline (a 导读 teaser's lead, printed
 * above its headline) waits and becomes the first paragraphs of the next article.
 */
export const assemble = (blocks: readonly Block[]) => {
  const drafts: Draft[] = [];
  let current: Draft | undefined;
  let group: Block[] = [];
  let pending: Body = { paragraphs: [], open: false };
  let column: string | undefined;
  let editor: string | undefined;
  /** Set by a `(上接第一版)` marker until the article it introduces opens. */
  let continuation: Jump | undefined;
  // Text conservation: every block ends up placed (in a draft or the page's editor) or unplaced.
  const placed = new Set<Block>();
  const unplaced: Block[] = [];
  let columnBlock: Block | undefined;
  let continuationBlock: Block | undefined;
  const place = (block: Block | undefined) => {
    if (block) placed.add(block);
  };
  const forget = (block: Block | undefined) => {
    if (block && !placed.has(block)) unplaced.push(block);
  };

  const open = (line: number, headline: string[]): Draft => {
    const draft: Draft = {
      line,
      headline,
      byline: [],
      paragraphs: pending.paragraphs,
      open: pending.open,
      photo: false,
      continued: false,
    };
    if (pending.jump) draft.jump = pending.jump;
    if (continuation) {
      draft.continued = true;
      draft.jump ??= continuation;
      continuation = undefined;
      place(continuationBlock);
    }
    if (column) draft.column = column;
    place(columnBlock);
    for (const block of group) place(block);
    pending = { paragraphs: [], open: false };
    column = undefined;
    columnBlock = undefined;
    group = [];
    drafts.push(draft);
    current = draft;
    return draft;
  };
  const openFromGroup = () =>
    open(
      group[0]!.line,
      group.map((b) => b.text),
    );
  const closeGroup = () => {
    if (group.length > 0 && pending.paragraphs.length > 0) openFromGroup();
    // A headline nothing follows (a banner such as 工业强市 产业兴市): reported, not dropped.
    for (const block of group) forget(block);
    group = [];
    current = undefined;
  };
  /** Under an author line, a poem: its lines become the draft's stanzas; returns the next index. */
  const readVerse = (draft: Draft, i: number) => {
    const end = verseEnd(blocks, i + 1, (next) => startsPiece(next));
    if (end === i + 1 || draft.dateline !== undefined || draft.paragraphs.length > 0) return i;
    const lines = blocks.slice(i + 1, end);
    draft.paragraphs = stanzasOf(lines);
    draft.verse = true;
    draft.open = false;
    for (const block of lines) place(block);
    current = draft;
    return end - 1;
  };

  for (let i = 0; i < blocks.length; i += 1) {
    const block = blocks[i]!;
    // A 更正 notice is an item of its own, whatever stands above it.
    if ((block.kind === 'heading' || block.kind === 'prose') && isCorrection(block.text)) {
      closeGroup();
      // Text still waiting for a headline is not the notice's: it stands as a piece of its own.
      if (pending.paragraphs.length > 0) open(block.line, []);
      const draft = open(block.line, ['更正']);
      draft.correction = true;
      place(block);
      const text = correctionLeadText(block.text);
      if (text !== undefined) addText(draft, text, isSentenceFinal(text));
      continue;
    }
    switch (block.kind) {
      case 'editor': {
        closeGroup();
        forget(continuationBlock);
        continuation = undefined;
        continuationBlock = undefined;
        const name = readEditorName(block.text);
        if (name !== undefined && (editor === undefined || editor === name)) place(block);
        editor ??= name;
        forget(block);
        break;
      }
      case 'label': {
        // `□ 张三` or `本报评论员` under a headline is the piece's author, not a column: columns
        // stand above headlines, and a 2–3 character name is no column name.
        const author = group.length > 0 ? labelAuthor(block.text) : undefined;
        if (author) {
          const draft = openFromGroup();
          draft.byline = author;
          place(block);
          i = readVerse(draft, i);
          break;
        }
        closeGroup();
        // A column label starts other articles; a pending (上接…) marker had no text of its own.
        forget(continuationBlock);
        continuation = undefined;
        continuationBlock = undefined;
        forget(columnBlock);
        column = readLabel(block.text);
        columnBlock = block;
        break;
      }
      case 'continued':
        // The text below belongs to an article begun on another page: it gets an article of
        // its own (under the headline printed above or below the marker, if any) instead of
        // waiting for the next headline, and points back to where it began.
        forget(continuationBlock);
        continuation = parseContinued(block.text);
        continuationBlock = block;
        if (group.length > 0) openFromGroup();
        else current = undefined;
        break;
      case 'heading': {
        // A short line after a cut paragraph is its continuation, unless it reads as a
        // multi-part headline or an article body follows it.
        const cut =
          group.length === 0 ? (current?.open ? current : pending.open ? pending : undefined) : undefined;
        if (
          cut &&
          !cjkSpaceRe.test(block.text) &&
          !opensArticle(blocks[i + 1]) &&
          !startsPiece(blocks[i + 1])
        ) {
          addText(cut, block.text, false);
          place(block);
          break;
        }
        // Inside a story with a dateline or byline, one headline-like line followed by plain
        // text is a subhead (小标题) of that story: a new article would open with a lead, a
        // byline, or a column label (简讯) first — or, for a teaser, end in a jump line.
        if (
          group.length === 0 &&
          current?.paragraphs.length &&
          isNews(current) &&
          blocks[i + 1]?.kind === 'prose' &&
          !proseRunEndsInJump(blocks, i + 1)
        ) {
          current.paragraphs.push(block.text);
          current.open = false;
          place(block);
          break;
        }
        current = undefined;
        group.push(block);
        break;
      }
      case 'byline': {
        const people = readAuthorLine(block.text) ?? parseByline(block.text);
        place(block);
        if (group.length > 0 && !(isSignature(block) && pending.paragraphs.length > 0)) {
          const draft = openFromGroup();
          draft.byline = people;
          i = readVerse(draft, i);
        } else if (current && current.byline.length === 0 && current.paragraphs.length === 0)
          current.byline = people;
        else if (current && current.paragraphs.length > 0) {
          // A signature at the end of the piece (`读者 赵六`, `(记者 张三)`) names its author
          // and ends it: the next line starts something else.
          current.byline = mergeByline(current.byline, people);
          current.open = false;
          current = undefined;
        } else if (pending.paragraphs.length > 0) {
          // A headline-less piece signed at its end (a letter without a title).
          const draft = group.length > 0 ? openFromGroup() : open(block.line, []);
          draft.byline = people;
          current = undefined;
        } else addText(current ?? pending, block.text, true);
        break;
      }
      case 'lead': {
        const lead = parseLead(block.text);
        const draft =
          group.length > 0
            ? openFromGroup()
            : current && current.dateline === undefined && current.paragraphs.length === 0
              ? current
              : open(block.line, []);
        if (lead.dateline) draft.dateline = lead.dateline;
        if (lead.byline.length > 0) draft.byline = lead.byline;
        if (lead.text) addText(draft, lead.text, isSentenceFinal(lead.text));
        place(block);
        break;
      }
      case 'caption': {
        const credit = splitPhotoCredit(block.text) ?? { caption: block.text, photographers: [] };
        // The 图片说明 label says what the text is; it is not part of the caption.
        credit.caption = credit.caption.replace(captionLabelRe, '');
        const photo = drafts.at(-1);
        const uncaptioned = photo?.photo === true && photo.caption === undefined;
        place(block);
        if (group.length === 0 && current === undefined && credit.photographers.length === 0 && uncaptioned) {
          // `图说：…` under a photo whose credit came first (title, credit, then the caption).
          if (credit.caption) photo!.caption = credit.caption;
          break;
        }
        const above = group.length > 0 ? undefined : (current ?? pending);
        const news = above !== undefined && above === current && isNews(current);
        if (news && credit.caption === '') {
          // A credit alone under a story (`记者 李四 摄`) names who took its picture.
          current!.byline = [...current!.byline, ...credit.photographers];
          break;
        }
        // The caption's text stands above the credit when the credit has a line of its own, or
        // when a column break cut the caption: it is that text, not a paragraph of its own.
        const joins =
          above !== undefined &&
          !news &&
          above.paragraphs.length > 0 &&
          (credit.caption === '' || above.open);
        const draft =
          group.length > 0 ? openFromGroup() : joins && above === current ? current! : open(block.line, []);
        const caption = joins ? [...draft.paragraphs, credit.caption].join('') : credit.caption;
        if (joins) draft.paragraphs = [];
        draft.photo = true;
        if (caption) draft.caption = caption;
        draft.byline = credit.photographers;
        current = undefined;
        break;
      }
      case 'jump': {
        const jump = parseJump(block.text)!;
        const target =
          group.length > 0
            ? openFromGroup()
            : (current ?? (pending.paragraphs.length > 0 ? pending : drafts.at(-1)));
        if (target) {
          target.jump = jump;
          place(block);
        } else forget(block);
        current = undefined;
        break;
      }
      case 'prose':
        addText(
          group.length > 0 ? openFromGroup() : (current ?? (continuation ? open(block.line, []) : pending)),
          block.text,
          block.final,
        );
        place(block);
        break;
    }
  }
  closeGroup();
  forget(columnBlock);
  forget(continuationBlock);
  if (pending.paragraphs.length > 0) {
    // Text after the last headline with nowhere else to go continues the last article.
    const last = drafts.at(-1);
    if (last) for (const paragraph of pending.paragraphs) addText(last, paragraph, true);
    else open(blocks.find((b) => b.kind === 'prose')?.line ?? 1, []);
  }
  // Safety net for the invariant: a block no branch placed is reported too.
  const reported = new Set(unplaced);
  for (const block of blocks) if (!placed.has(block) && !reported.has(block)) unplaced.push(block);
  unplaced.sort((a, b) => a.line - b.line);
  return {
    drafts,
    editor,
    unplaced: unplaced.map((b): UnplacedLine => ({ line: b.line, text: b.text })),
  };
};

const isCorrection = (text: string) => isCorrectionHeading(text) || correctionLeadText(text) !== undefined;

/** People named again in a signature are not repeated. */
const mergeByline = (byline: readonly Contributor[], more: readonly Contributor[]) => [
  ...byline,
  ...more.filter((p) => !byline.some((q) => q.name === p.name && q.role === p.role)),
];

/** The author a label-like line under a headline names (`□ 周晓燕`, `本报评论员`), if any. */
const labelAuthor = (text: string): Contributor[] | undefined => {
  const people = readAuthorLine(text);
  // `■ 一线调研` is a column: a known label is never a name.
  if (people?.length === 1 && people[0]!.role === 'author' && knownLabel(people[0]!.name)) return undefined;
  return people;
};
const knownLabel = (name: string) => readLabel(name) !== undefined;

/**
 * A block that makes the line before it the next piece's title: an author line, a lead or a
 * photo caption.
 */
const startsPiece = (block: Block | undefined) =>
  block !== undefined &&
  ((block.kind === 'byline' && !isSignature(block)) ||
    block.kind === 'lead' ||
    block.kind === 'caption' ||
    (block.kind === 'label' && labelAuthor(block.text) !== undefined));

/** Whether the prose lines from `start` on are followed by a jump line (a teaser's body). */
const proseRunEndsInJump = (blocks: readonly Block[], start: number) => {
  let end = start;
  while (blocks[end]?.kind === 'prose') end += 1;
  return blocks[end]?.kind === 'jump';
};

/** A story with a dateline or byline: text after it is its own, not a photo's caption. */
const isNews = (draft: Draft) => draft.dateline !== undefined || draft.byline.length > 0 || draft.continued;
