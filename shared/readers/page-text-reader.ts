import { InvalidUploadError } from '../errors.ts';
import { proposeArticleId } from '../model/article-id.ts';
import {
  type Article,
  type ArticleKind,
  type CorrectionTarget,
  type Issue,
  IssueSchema,
} from '../model/issue.ts';
import { assemble, type Draft, type UnplacedLine } from './page-text-assemble.ts';
import { classifyBlocks } from './page-text-blocks.ts';
import { parseCorrectionTarget } from './page-text-correction.ts';
import { type PageHeader, readPageHeader } from './page-text-header.ts';
import { splitHeadline } from './page-text-headline.ts';
import { splitTextLines } from './page-text-lines.ts';

export type { UnplacedLine } from './page-text-assemble.ts';

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
