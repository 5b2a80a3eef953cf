/**
 * Numbers as the page text prints them: ASCII or full-width digits (`4`, `４`) or Chinese
 * numerals (`四`, `十二`, `一百零五`), as in 第四版 / 今日4版 / 详见今日第二版.
 */

const chineseDigits: Readonly<Record<string, number>> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

const asciiDigitsRe = /^[0-9]+$/;
const fullWidthDigitRe = /[０-９]/g;

/** Regex source of one page numeral (digits or Chinese numerals), for composing patterns. */
export const numeralSource = '[0-9０-９]{1,3}|[零〇一二两三四五六七八九十百]{1,5}';

/**
 * Value of a printed numeral, or `undefined` when the string is not one.
 * Chinese numerals are read positionally up to the hundreds (十 alone is 10, 十二 is 12).
 */
export const parseNumeral = (printed: string): number | undefined => {
  const value = printed.trim().replace(fullWidthDigitRe, (d) => String(d.charCodeAt(0) - 0xff10));
  if (value === '') return undefined;
  if (asciiDigitsRe.test(value)) return Number(value);
  let total = 0;
  let current = 0;
  for (const ch of value) {
    if (ch === '百') {
      total += (current || 1) * 100;
      current = 0;
    } else if (ch === '十') {
      total += (current || 1) * 10;
      current = 0;
    } else {
      const digit = chineseDigits[ch];
      if (digit === undefined) return undefined;
      current = digit;
    }
  }
  return total + current;
};

/**
 * `二〇二四年十一月三十日`: the year digit by digit (〇, or the ○ / O typists use for it), the
 * month and day as numerals of the shapes a date can have (元月 is January). Only when header
 * matter follows — the end of the line, or 星期 / 农历 / 第N版 / 今日 / 总第 / 责任编辑 / a digit /
 * a separator — so a headline that starts with a date (`二〇二五年一月一日起施行`) stays a headline.
 */
const chineseDateRe =
  /([〇○O零一二三四五六七八九]{4})\s*年\s*(元|十[一二]?|[一二三四五六七八九])\s*月\s*(三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])\s*日(?=\s*$|[\s\u3000]*[|｜]|[\s\u3000]+(?:星期|农历|第|今日|总第|责任编辑|[0-9]))/g;

const yearDigits: Readonly<Record<string, number>> = { ...chineseDigits, '○': 0, O: 0 };

/**
 * The line with a header date printed in Chinese numerals (`二〇二四年十一月三十日`, as some
 * mastheads set it) rewritten in digits (`2024年11月30日`), so the header patterns read one form
 * and an impossible date (二〇二四年二月三十日) is rejected like 2024年2月30日.
 */
export const withArabicDates = (line: string): string =>
  line.replace(chineseDateRe, (_, year: string, month: string, day: string) => {
    const digits = [...year].map((ch) => yearDigits[ch]).join('');
    return `${digits}年${month === '元' ? 1 : parseNumeral(month)}月${parseNumeral(day)}日`;
  });
