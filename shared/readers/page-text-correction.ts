import type { CorrectionTarget } from '../model/issue.ts';
import { numeralSource, parseNumeral } from './page-text-numerals.ts';

/**
 * 更正 (correction) notices: `更正` as a headline, or `更正:` leading the notice's text, then
 * `本报11月29日第2版《城区新增120个公共充电桩》一文中,“120个”应为“102个”,特此更正。`.
 */

const correctionHeadingRe = /^(?:更[\s\u3000]*正|更正启事|更正声明|更正与说明|更正说明)$/;
const correctionLeadRe = /^(?:更正|更正启事|更正声明)[\s\u3000]*[:：][\s\u3000]*/;

/** True for a line that is the headline of a correction notice. */
export const isCorrectionHeading = (text: string) => correctionHeadingRe.test(text);

/** A notice printed on one line, `更正:本报…`: its text without the `更正:` label, else undefined. */
export const correctionLeadText = (text: string): string | undefined => {
  const match = correctionLeadRe.exec(text);
  return match && match[0].length < text.length ? text.slice(match[0].length) : undefined;
};

const targetRe = new RegExp(
  `本报(?:(\\d{4})年)?(\\d{1,2})月(\\d{1,2})日(?:[^《]{0,8}?第(${numeralSource})版)?[^《]{0,12}?《([^》]{1,200})》`,
);

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * What the notice corrects, from its text: date, page and the title in 《》. A date printed
 * without its year is the latest such date on or before the notice's issue (a 1月 notice about
 * 本报12月31日 corrects the previous year). `undefined` when the text names no dated title.
 */
export const parseCorrectionTarget = (text: string, issueDate: string): CorrectionTarget | undefined => {
  const match = targetRe.exec(text);
  if (!match) return undefined;
  const month = Number(match[2]);
  const day = Number(match[3]);
  const issueYear = Number(issueDate.slice(0, 4));
  let year = match[1] ? Number(match[1]) : issueYear;
  if (!match[1] && `${pad2(month)}-${pad2(day)}` > issueDate.slice(5)) year -= 1;
  const date = `${year}-${pad2(month)}-${pad2(day)}`;
  const check = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(check.getTime()) || check.toISOString().slice(0, 10) !== date) return undefined;
  const page = match[4] === undefined ? undefined : parseNumeral(match[4]);
  const title = match[5]!.trim();
  if (title === '') return undefined;
  return page !== undefined && page >= 1 && page <= 999 ? { date, page, title } : { date, title };
};
