import { escapeCleanHtml } from '../feeds/xml-text.ts';

/**
 * HTML building that escapes by default. Every string interpolated into `html\`…\`` is escaped
 * (text and attribute safe, quotes included); only values that are already `SafeHtml` (built by
 * this module) pass through. Issue data is hostile until proven otherwise.
 */

/** A fragment of HTML that is already safe to emit. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString() {
    return this.value;
  }
}

/**
 * Characters that are parse errors in an HTML document: C0/C1 controls except tab, LF, CR;
 * lone surrogates (in `u` mode a surrogate range only matches unpaired ones); noncharacters (U+FDD0–U+FDEF and the last two code points of every plane).
 * They are dropped: a NUL in a title must not end up as U+FFFD or be read as a delimiter.
 */
const unwantedCharacters =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufdd0-\ufdef\ufffe\uffff]|[\ud800-\udfff]|[\u{1fffe}\u{1ffff}\u{2fffe}\u{2ffff}\u{3fffe}\u{3ffff}\u{4fffe}\u{4ffff}\u{5fffe}\u{5ffff}\u{6fffe}\u{6ffff}\u{7fffe}\u{7ffff}\u{8fffe}\u{8ffff}\u{9fffe}\u{9ffff}\u{afffe}\u{affff}\u{bfffe}\u{bffff}\u{cfffe}\u{cffff}\u{dfffe}\u{dffff}\u{efffe}\u{effff}\u{ffffe}\u{fffff}\u{10fffe}\u{10ffff}]/gu;

/**
 * A cheap pre-check without the `u` flag: true for every string `unwantedCharacters` could change
 * (it also matches valid surrogate pairs, which then take the exact path). Most text has none.
 */
const maybeUnwanted =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff]/;

/** Remove characters that may not appear in an HTML document (see `unwantedCharacters`). */
export const stripUnwanted = (text: string) =>
  maybeUnwanted.test(text) ? text.replace(unwantedCharacters, '') : text;

/** Escape text for use in element content and in quoted attribute values. */
export const escapeHtml = (text: string) => escapeCleanHtml(stripUnwanted(text));

/** A value accepted inside `html`: strings are escaped, SafeHtml kept, arrays joined, nullish dropped. */
export type HtmlValue = string | number | SafeHtml | undefined | null | false | readonly HtmlValue[];

const render = (value: HtmlValue): string => {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return escapeHtml(value);
  let out = '';
  for (const item of value) out += render(item);
  return out;
};

/** Tagged template: literal parts are trusted markup, interpolations are escaped. */
export const html = (strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml => {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i += 1) out += render(values[i]!) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
};

/** Mark trusted markup (constants of this module's callers, never issue data) as safe. */
export const trustedHtml = (markup: string) => new SafeHtml(markup);
