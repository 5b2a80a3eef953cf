import { InvalidUploadError } from '../errors.ts';
import { IsoDateSchema, type Paper } from '../model/issue.ts';
import type { TextLine } from './page-text-lines.ts';
import { numeralSource, parseNumeral, withArabicDates } from './page-text-numerals.ts';

/**
 * The top of a page: the front page's masthead (报头) or an inside page's header (页眉).
 *
 * Masthead lines (front page): `衢州日报` / `中共衢州市委机关报` / `QUZHOU DAILY` /
 * `衢州市新闻传媒中心出版 国内统一连续出版物号:CN 33-0011` /
 * `2024年11月30日 星期六 农历甲辰年十月三十 今日4版 总第13355期` / `热线96811`.
 * Inside-page header lines: `2024年11月30日 星期六`, `第2版 综合` (also `第二版 综合`,
 * `2版：综合`), or all in one line `2024年11月30日 星期六 第2版 综合 责任编辑:林俊`.
 */
export interface PageHeader {
  paper: Partial<Paper>;
  date?: { iso: string; line: number };
  /** 星期六 */
  weekday?: string;
  /** As printed, with its 农历 prefix: 农历甲辰年十月三十 */
  lunarDate?: string;
  /** 总第N期 */
  number?: number;
  /** 今日N版 */
  pageCount?: number;
  /** 第N版, only when printed */
  page?: { number: number; line: number };
  /** 版名 */
  section?: string;
  /** 责任编辑, when the header prints it */
  editor?: string;
  /** True when front-page masthead lines were seen (paper name, organ, 总第N期, 今日N版). */
  masthead: boolean;
  /** First masthead line, for messages. */
  mastheadLine?: number;
  /** Number of leading lines that belong to the header. */
  lineCount: number;
}

// Header lines never carry sentence punctuation; this keeps a first paragraph that happens to
// start with a date (2024年11月30日,…) out of the header.
const sentencePunctuationRe = /[。,，;；!?！？]/;
const maxHeaderLineLength = 100;

const paperNameSource = '[\\p{Script=Han}]{2,6}(?:日报|晚报|早报|商报|时报)';
const paperNameRe = new RegExp(`^${paperNameSource}$`, 'u');
/** An inside-page header line that starts with the paper's name: `衢州日报 2024年11月30日 …`. */
const paperNamePrefixRe = new RegExp(`^(${paperNameSource})[\\s\\u3000|｜]+`, 'u');
const organRe = /(\S*机关报)$/;
const latinNameRe = /^[A-Z][A-Z0-9 .&'-]{1,40}$/;
const publisherLineRe = /连续出版物号|CN\s*\d{2}\s*-\s*\d{4}|邮发代号|(?:中心|报社|集团)出版(?:\s|$)/;
const dateStartRe = /^(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}[-./]\d{1,2}[-./]\d{1,2}(?![\d.]))/;
const pageStartRe = new RegExp(`^(?:第\\s*(?:${numeralSource})\\s*版|[0-9０-９]{1,3}\\s*版)`);
const hotlineStartRe = /^(?:新闻|服务|投诉|读者)?热线/;
const editorStartRe = /^(?:本版)?责任编辑/;
const websiteRe = /^(?:www\.|https?:\/\/)\S+$/;

const dateRe =
  /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|(?:^|[\s\u3000|｜])(\d{4})([-./])(\d{1,2})\5(\d{1,2})(?![\d.])/;
const weekdayRe = /星期[一二三四五六日天]/;
const lunarRe = /农历\s*([\p{Script=Han}]{2,12})/u;
const pageCountRe = new RegExp(`今日\\s*(${numeralSource})\\s*版`);
const issueNumberRe = /总第\s*([0-9]+)\s*期/;
const pageRe = new RegExp(
  `(?:^|[\\s\\u3000|｜])(?:第\\s*(${numeralSource})\\s*版|([0-9０-９]{1,3})\\s*版)(?:[\\s\\u3000]*[:：|｜][\\s\\u3000]*|[\\s\\u3000]*)([\\p{Script=Han}·]{1,12})?`,
  'u',
);
const editorRe = /责任编辑\s*[:：]?\s*([\p{Script=Han}·]{2,6})/u;
const hotlineRe = /热线\s*[:：]?\s*([0-9][0-9-]{2,20})/;
const serialRe = /CN\s*(\d{2})\s*-\s*(\d{4})/;
const publisherRe = /^(\S+?)出版(?:\s|$)/;
/** Words that may follow 第N版 in a combined header line but are not a section name. */
const notSectionRe = /^(?:责任编辑|电话|星期|农历|今日|总第)/;
const editorTailRe = /(?:责任编辑|电话).*$/;

/** A section name (版名) printed alone on the line under `第N版`. */
const sectionLineRe = /^[\p{Script=Han}·]{2,6}$/u;

/** True when the line is a masthead or page-header line. */
const isHeaderLine = (line: string) => {
  if (line.length > maxHeaderLineLength || sentencePunctuationRe.test(line)) return false;
  const text = line.replace(paperNamePrefixRe, '');
  return (
    dateStartRe.test(text) ||
    pageStartRe.test(text) ||
    paperNameRe.test(text) ||
    organRe.test(text) ||
    latinNameRe.test(text) ||
    publisherLineRe.test(text) ||
    hotlineStartRe.test(text) ||
    editorStartRe.test(text) ||
    websiteRe.test(text)
  );
};

/** The page editor's name in a line like `责任编辑:林俊 电话:8070805`. */
export const readEditorName = (text: string) => editorRe.exec(text)?.[1];

const pad2 = (value: string) => value.padStart(2, '0');

/**
 * Read the header at the top of the page (blank lines already removed). Stops at the first
 * line that is not a header line.
 *
 * @throws InvalidUploadError `schema` for an impossible date (2024年2月30日),
 *   `contradicting-date` when two header lines print different dates.
 */
export const readPageHeader = (lines: readonly TextLine[], where: string): PageHeader => {
  const header: PageHeader = { paper: {}, masthead: false, lineCount: 0 };
  for (const { text: raw, line } of lines) {
    // Exports often print header digits and Latin letters full-width (２０２４年, ＣＮ ３３－００１１):
    // NFKC folds them to ASCII so one set of patterns reads both.
    // Some mastheads print the date in Chinese numerals (二〇二四年十一月三十日): read as digits.
    const printed = withArabicDates(raw.normalize('NFKC'));
    const sectionAlone = header.page !== undefined && header.section === undefined;
    if (
      sectionAlone &&
      header.page!.line === line - 1 &&
      sectionLineRe.test(printed) &&
      !paperNameRe.test(printed)
    ) {
      // `第2版` with its 版名 on the next line.
      header.section = printed;
      header.lineCount += 1;
      continue;
    }
    if (!isHeaderLine(printed)) break;
    header.lineCount += 1;
    // An inside page's header may lead with the paper's name; that alone is no masthead.
    const named = paperNamePrefixRe.exec(printed);
    if (named?.[1]) header.paper.name ??= named[1];
    const text = named ? printed.slice(named[0].length) : printed;

    if (paperNameRe.test(text)) {
      header.paper.name ??= text;
      header.masthead = true;
      header.mastheadLine ??= line;
      continue;
    }
    const organ = organRe.exec(text);
    if (organ?.[1]) {
      header.paper.organ ??= organ[1];
      header.masthead = true;
      header.mastheadLine ??= line;
      continue;
    }
    if (latinNameRe.test(text) || websiteRe.test(text)) continue;

    const serial = serialRe.exec(text);
    if (serial) header.paper.serial ??= `CN ${serial[1]}-${serial[2]}`;
    const publisher = publisherRe.exec(text);
    if (publisher?.[1]) header.paper.publisher ??= publisher[1];
    const hotline = hotlineRe.exec(text);
    if (hotline?.[1]) header.paper.hotline ??= hotline[1];

    const date = dateRe.exec(text);
    if (date) {
      const [year, month, day] = date[1] ? [date[1], date[2]!, date[3]!] : [date[4]!, date[6]!, date[7]!];
      const iso = `${year}-${pad2(month)}-${pad2(day)}`;
      if (!IsoDateSchema.safeParse(iso).success) {
        throw new InvalidUploadError(
          'schema',
          `${where}line ${line}: ${date[0].trim()} is not a calendar date`,
          {
            location: { line },
          },
        );
      }
      if (header.date && header.date.iso !== iso) {
        throw new InvalidUploadError(
          'contradicting-date',
          `${where}line ${line} prints ${iso} but line ${header.date.line} prints ${header.date.iso}`,
          { location: { line } },
        );
      }
      header.date ??= { iso, line };
    }
    const weekday = weekdayRe.exec(text);
    if (weekday) header.weekday ??= weekday[0];
    const lunar = lunarRe.exec(text);
    if (lunar) header.lunarDate ??= `农历${lunar[1]}`;
    const pageCount = pageCountRe.exec(text);
    if (pageCount?.[1]) {
      header.pageCount ??= parseNumeral(pageCount[1]);
      header.masthead = true;
      header.mastheadLine ??= line;
    }
    const issueNumber = issueNumberRe.exec(text);
    if (issueNumber?.[1]) {
      header.number ??= Number(issueNumber[1]);
      header.masthead = true;
      header.mastheadLine ??= line;
    }
    const page = pageRe.exec(text);
    const pageNumber = page ? parseNumeral(page[1] ?? page[2] ?? '') : undefined;
    if (page && pageNumber !== undefined && pageNumber >= 1) {
      header.page ??= { number: pageNumber, line };
      const printed = page[3];
      const section = printed && !notSectionRe.test(printed) ? printed.replace(editorTailRe, '') : '';
      if (section) header.section ??= section;
    }
    const editor = editorRe.exec(text);
    if (editor?.[1]) header.editor ??= editor[1];
  }
  return header;
};
