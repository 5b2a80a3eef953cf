import { InvalidUploadError } from '../errors.ts';
import { proposeArticleId } from '../model/article-id.ts';
import {
  type Article,
  type ArticleKind,
  type Contributor,
  type CorrectionTarget,
  type Issue,
  IssueSchema,
  type Jump,
} from '../model/issue.ts';
import {
  type Block,
  captionLabelRe,
  cjkSpaceRe,
  classifyBlocks,
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
import { correctionLeadText, isCorrectionHeading, parseCorrectionTarget } from './page-text-correction.ts';
import { type PageHeader, readEditorName, readPageHeader } from './page-text-header.ts';
import { splitHeadline } from './page-text-headline.ts';
import { splitTextLines } from './page-text-lines.ts';
import { stanzasOf, verseEnd } from './page-text-verse.ts';

/**
 * What the upload key says about a page-text upload (shared/upload-key.ts). The text wins where
 * it prints something; a hint that contradicts the text rejects the upload.
 */
export interface PageTextHints {
  /** The upload key, named in error messages. */
  key?: string;
  /** YYYY-MM-DD */
  date?: string;
  page?: number;
  /** 版名 */
  section?: string;
}

/** The masthead names the paper; an inside page does not, and this reader is for one paper. */
const defaultPaperName = '衢州日报';
/** The front page's 版名 unless the data names it. */
const frontPageSection = '要闻';
/** Above this many characters an item without lead or byline is news, not a brief (简讯). */
const maxBriefChars = 400;
const maxFallbackTitle = 30;
const clauseEndRe = /[,，。!?！？;；:：\n]/;

/** Paragraphs being collected: an article's body, or text waiting for its headline. */
interface Body {
  paragraphs: string[];
  /** The last paragraph was cut by a column break and continues in the next prose line. */
  open: boolean;
  jump?: Jump;
}

interface Draft extends Body {
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
 * before the editor line) is dropped. Prose before any headline (a 导读 teaser's lead, printed
 * above its headline) waits and becomes the first paragraphs of the next article.
 */
const assemble = (blocks: readonly Block[]) => {
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

const fallbackTitle = (text: string | undefined, photo: boolean) => {
  const clause = text?.split(clauseEndRe, 1)[0]?.trim().slice(0, maxFallbackTitle);
  return clause || (photo ? '图片' : '无题');
};

/** Columns whose pieces are commentary (评论) whoever signs them. */
const commentaryColumnRe = /评论|时评|社论|评论员|言论|观察家/;

const kindOf = (draft: Draft, column: string | undefined): ArticleKind => {
  if (draft.correction) return 'correction';
  if (draft.verse) return 'verse';
  if (draft.photo) return 'photo';
  if (draft.continued) return 'news';
  if (
    draft.jump &&
    draft.dateline === undefined &&
    (draft.paragraphs.length <= 1 || column?.includes('导读'))
  ) {
    return 'teaser';
  }
  const roles = new Set(draft.byline.map((c) => c.role));
  if (roles.has('reader') || column?.includes('来信')) return 'letter';
  if (roles.has('commentator') || roles.has('institution') || (column && commentaryColumnRe.test(column)))
    return 'commentary';
  if (draft.dateline === undefined && roles.has('author')) return 'essay';
  if (draft.dateline !== undefined || draft.byline.length > 0) return 'news';
  const chars = draft.paragraphs.reduce((sum, p) => sum + p.length, 0);
  return chars <= maxBriefChars ? 'brief' : 'news';
};

const buildArticle = (draft: Draft, page: number, date: string, taken: Set<string>): Article => {
  const parts =
    draft.headline.length > 0
      ? splitHeadline(draft.headline, draft.photo)
      : { title: fallbackTitle(draft.caption ?? draft.paragraphs[0], draft.photo) };
  // A label above the headline is its column; a short first headline line is then a kicker,
  // not a second column to drop.
  const column = draft.column ?? parts.column;
  if (draft.column !== undefined && parts.column !== undefined)
    parts.kicker = parts.kicker === undefined ? parts.column : `${parts.column} ${parts.kicker}`;
  const id = proposeArticleId(page, parts.title, taken);
  taken.add(id);
  return {
    id,
    kind: kindOf(draft, column),
    ...(parts.kicker === undefined ? {} : { kicker: parts.kicker }),
    title: parts.title,
    ...(parts.subtitle === undefined ? {} : { subtitle: parts.subtitle }),
    ...(column === undefined ? {} : { column }),
    byline: draft.byline,
    ...(draft.dateline === undefined ? {} : { dateline: draft.dateline }),
    paragraphs: draft.paragraphs,
    ...(draft.caption === undefined ? {} : { caption: draft.caption }),
    ...(draft.jump === undefined ? {} : { jump: draft.jump }),
    ...correctsOf(draft, date),
  };
};

const correctsOf = (draft: Draft, date: string): { corrects?: CorrectionTarget } => {
  if (!draft.correction) return {};
  const corrects = parseCorrectionTarget(draft.paragraphs.join(''), date);
  return corrects === undefined ? {} : { corrects };
};

const resolveDate = (header: PageHeader, hints: PageTextHints, where: string) => {
  if (header.date && hints.date !== undefined && header.date.iso !== hints.date) {
    throw new InvalidUploadError(
      'contradicting-date',
      `${where}line ${header.date.line} prints the date ${header.date.iso}, but the upload is for ${hints.date}`,
      { location: { line: header.date.line } },
    );
  }
  const date = header.date?.iso ?? hints.date;
  if (date === undefined) {
    throw new InvalidUploadError(
      'no-date',
      `${where}no date: the text has no masthead or page header date (line 1 on) and the upload key names none`,
      { location: { line: 1 } },
    );
  }
  return date;
};

const resolvePage = (header: PageHeader, hints: PageTextHints, where: string) => {
  if (header.page && hints.page !== undefined && header.page.number !== hints.page) {
    throw new InvalidUploadError(
      'contradicting-page',
      `${where}line ${header.page.line} prints page ${header.page.number}, but the upload is for page ${hints.page}`,
      { location: { line: header.page.line } },
    );
  }
  // A masthead only appears on the front page: it stands for page 1 when no 第N版 is printed,
  // and a key naming another page means the front page was uploaded under the wrong name.
  if (!header.page && header.masthead && hints.page !== undefined && hints.page !== 1) {
    throw new InvalidUploadError(
      'contradicting-page',
      `${where}line ${header.mastheadLine} starts a front-page masthead, but the upload is for page ${hints.page}`,
      { location: { line: header.mastheadLine ?? 1 } },
    );
  }
  const page = header.page?.number ?? hints.page ?? (header.masthead ? 1 : undefined);
  if (page === undefined) {
    throw new InvalidUploadError(
      'schema',
      `${where}no page number: the text has no masthead or page header (第N版) and the upload key names no page`,
      { location: { line: 1 } },
    );
  }
  return page;
};

/** An issue read from page text, and the body lines it could not place (see {@link UnplacedLine}). */
export interface PageTextReading {
  issue: Issue;
  unplaced: UnplacedLine[];
}

const read = (text: string, hints: PageTextHints, where: string): PageTextReading => {
  const lines = splitTextLines(text);
  if (lines.length === 0) throw new InvalidUploadError('empty', `${where}the page text is empty`);
  const header = readPageHeader(lines, where);
  const date = resolveDate(header, hints, where);
  const page = resolvePage(header, hints, where);
  const section = header.section ?? hints.section ?? (page === 1 ? frontPageSection : `第${page}版`);
  const { drafts, editor, unplaced } = assemble(classifyBlocks(lines.slice(header.lineCount)));
  if (drafts.length === 0) {
    const first = lines[header.lineCount]?.line ?? lines[0]!.line;
    throw new InvalidUploadError(
      'no-articles',
      `${where}no article found: lines ${first}–${lines.at(-1)!.line} hold no headline with text, lead, photo or jump`,
      { location: { line: first } },
    );
  }
  const taken = new Set<string>();
  const pageEditor = header.editor ?? editor;
  const issue: Issue = {
    paper: { ...header.paper, name: header.paper.name ?? defaultPaperName },
    date,
    ...(header.weekday === undefined ? {} : { weekday: header.weekday }),
    ...(header.lunarDate === undefined ? {} : { lunarDate: header.lunarDate }),
    ...(header.number === undefined ? {} : { number: header.number }),
    ...(header.pageCount === undefined ? {} : { pageCount: header.pageCount }),
    pages: [
      {
        number: page,
        section,
        ...(pageEditor === undefined ? {} : { editor: pageEditor }),
        articles: drafts.map((draft) => buildArticle(draft, page, date, taken)),
      },
    ],
  };
  const result = IssueSchema.safeParse(issue);
  if (!result.success) {
    const problem = result.error.issues[0];
    const path = problem?.path ?? [];
    const field = path.join('.') || 'issue';
    // Point the operator at the printed line: the article's first line, else the first article
    // past the limit (too many articles), else the first body line.
    const tooMany = problem?.code === 'too_big' ? drafts[Number(problem.maximum)] : undefined;
    const article = path[2] === 'articles' ? path[3] : undefined;
    const draft =
      typeof article === 'number' ? drafts[article] : path[2] === 'articles' ? tooMany : undefined;
    const line = draft?.line ?? lines[header.lineCount]?.line ?? 1;
    throw new InvalidUploadError(
      'schema',
      `${where}line ${line}: ${field}: ${problem?.message ?? 'invalid'}`,
      { location: { line, field }, cause: result.error },
    );
  }
  return { issue: result.data, unplaced };
};

/**
 * Read the decoded text of one e-paper page (layout: docs/page-text-layout.md) into an
 * `Issue` with exactly one page, validated against `IssueSchema`, together with the body lines
 * it could not place. Every line of the text ends up in the issue (a header field, a headline
 * part, a byline, a column label, body text) or in `unplaced`: none is dropped.
 *
 * @param text decoded text; CRLF and CR line breaks are accepted.
 * @param hints what the upload key says (date, page, section); they fill what the text lacks.
 * @throws InvalidUploadError `empty`, `no-date`, `contradicting-date`, `contradicting-page`,
 *   `no-articles`, `schema`, or `unreadable` (an internal failure, with its cause); never any
 *   other error, and never a half-filled issue.
 */
export const readPageTextReport = (text: string, hints: PageTextHints = {}): PageTextReading => {
  const where = hints.key ? `${hints.key}: ` : '';
  try {
    return read(text, hints, where);
  } catch (error) {
    if (error instanceof InvalidUploadError) throw error;
    // A bug here must still reach the edge as a rejected upload (with its cause), not a retry.
    throw new InvalidUploadError(
      'unreadable',
      `${where}the page text could not be read: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
};

/** {@link readPageTextReport} without the unplaced lines: the issue alone. */
export const readPageText = (text: string, hints: PageTextHints = {}): Issue =>
  readPageTextReport(text, hints).issue;
