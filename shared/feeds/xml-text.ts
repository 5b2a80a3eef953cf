/**
 * Text hygiene for every feed format. Article text comes from newspaper uploads and may carry
 * C0 control characters, U+FFFE/U+FFFF or lone surrogates: one of them makes a whole XML
 * document ill-formed and readers drop the feed (platform-facts "what feed readers suffer
 * from", 7). Everything that reaches a document passes through one of these functions.
 */

/** Characters XML 1.0 forbids anywhere (also lone surrogates, thanks to the `u` flag). */
const forbiddenXmlChars = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const forbiddenXmlCharsTest = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Drop characters that XML 1.0 cannot carry (they also have no business in JSON or HTML). */
export const sanitizeText = (value: string): string =>
  forbiddenXmlCharsTest.test(value) ? value.replace(forbiddenXmlChars, '') : value;

/** Sanitised text with runs of whitespace collapsed to one space and the ends trimmed. */
export const plainText = (value: string): string => sanitizeText(value).replace(/\s+/g, ' ').trim();

const textEntities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const attributeEntities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  // Attribute-value normalisation would turn these into spaces; references keep them.
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};
// The RSS Advisory Board profile: hexadecimal references for & and < in plain-text elements
// work in the widest number of aggregators (some treat <title> as HTML, some do not).
const rssPlainEntities: Record<string, string> = { '&': '&#x26;', '<': '&#x3C;', '>': '&#x3E;' };
const htmlEntities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

const textSpecials = /[&<>]/g;
const textSpecialsTest = /[&<>]/;
const attributeSpecials = /[&<>"\t\n\r]/g;
const htmlSpecials = /[&<>"']/g;

/**
 * XML character data: sanitised, `&`, `<` and `>` escaped. Escaping `>` too means `]]>` can
 * never appear in the output, so no CDATA section is needed (feed 6.0.0 split only the first).
 */
export const escapeXmlText = (value: string): string => {
  const clean = sanitizeText(value);
  return textSpecialsTest.test(clean) ? clean.replace(textSpecials, (c) => textEntities[c]!) : clean;
};

/**
 * XML character data for text already known to be sanitised (content HTML built here from
 * sanitised parts): skips the forbidden-character scan on the largest strings of a feed.
 */
export const escapeSanitizedXmlText = (clean: string): string =>
  textSpecialsTest.test(clean) ? clean.replace(textSpecials, (c) => textEntities[c]!) : clean;

/** XML attribute value (double-quoted): sanitised, `& < > "` and whitespace controls escaped. */
export const escapeXmlAttribute = (value: string): string =>
  sanitizeText(value).replace(attributeSpecials, (c) => attributeEntities[c]!);

/** RSS plain-text element (title, dc:creator, category): hex references per the RSS profile. */
export const escapeRssPlainText = (value: string): string =>
  sanitizeText(value).replace(textSpecials, (c) => rssPlainEntities[c]!);

/** HTML text or double-quoted attribute value: sanitised, `& < > " '` escaped. */
export const escapeHtml = (value: string): string =>
  sanitizeText(value).replace(htmlSpecials, (c) => htmlEntities[c]!);

/**
 * UTF-8 length of a string without allocating its bytes (the byte cap measures every
 * document). Lone surrogates never reach here: `sanitizeText` drops them.
 */
export const utf8ByteLength = (value: string): number => {
  let bytes = 0;
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      // A surrogate pair is one code point of 4 bytes; skip its low half.
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
};
