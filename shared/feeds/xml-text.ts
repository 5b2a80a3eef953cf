/**
 * Text hygiene for every feed format. Article text comes from newspaper uploads and may carry
 * C0 control characters, U+FFFE/U+FFFF or lone surrogates: one of them makes a whole XML
 * document ill-formed and readers drop the feed (docs/feeds.md, "Validity and hostile text").
 * Everything that reaches a document passes through one of these functions.
 */

/** Characters XML 1.0 forbids anywhere (also lone surrogates, thanks to the `u` flag). */
const forbiddenXmlChars = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
/**
 * A quick pre-check without the `u` flag (much faster on long CJK text): forbidden
 * characters, plus any surrogate, since only the precise pattern can tell a pair from a lone one.
 */
const maybeForbidden = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/;
/** The same, plus what HTML escaping changes (and CR, which it normalises): one scan decides that most text is left as is. */
const maybeForbiddenOrHtml = /[\u0000-\u0008\u000b-\u001f\ud800-\udfff\ufffe\uffff&<>"']/;

/** Drop characters that XML 1.0 cannot carry (they also have no business in JSON or HTML). */
export const sanitizeText = (value: string): string =>
  maybeForbidden.test(value) ? value.replace(forbiddenXmlChars, '') : value;

/** Whitespace other than a single inner space (U+3000 and tabs included). */
const untidyWhitespace = /[^\S ]| {2}|^ | $/;

/** Sanitised text with runs of whitespace collapsed to one space and the ends trimmed. */
export const plainText = (value: string): string => {
  const clean = sanitizeText(value);
  return untidyWhitespace.test(clean) ? clean.replace(/\s+/g, ' ').trim() : clean;
};

/** What `JSON.stringify` escapes in sanitised text (no other controls, no lone surrogates). */
const jsonSpecials = /["\\\t\n\r]/;

const anySpecial = /[\u0000-\u001f\ud800-\udfff\ufffe\uffff&<>"'\\]/;

/**
 * Whether text is already clean for XML, HTML and JSON alike (no forbidden character, nothing
 * HTML or JSON escapes): one scan that lets most paragraphs pass through untouched.
 */
export const isInertText = (value: string): boolean => !anySpecial.test(value);

/** Whether sanitised text needs JSON escaping. */
export const needsJsonEscape = (clean: string): boolean => jsonSpecials.test(clean);

/**
 * A JSON string literal of sanitised text, exactly as `JSON.stringify` writes it: usually the
 * text in quotes, found with one scan instead of a call into the serializer.
 */
export const jsonString = (clean: string): string =>
  jsonSpecials.test(clean) ? JSON.stringify(clean) : `"${clean}"`;

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
const htmlSpecialsTest = /[&<>"']/;

/**
 * XML character data: sanitised, `&`, `<` and `>` escaped. Escaping `>` too means `]]>` can
 * never appear in the output, so no CDATA section is needed (feed 6.0.0 split only the first).
 */
export const escapeXmlText = (value: string): string => {
  const clean = sanitizeText(value);
  return textSpecialsTest.test(clean) ? clean.replace(textSpecials, (c) => textEntities[c]!) : clean;
};

/**
 * A CDATA section for text already known to be sanitised (content HTML built here from
 * sanitised parts): the cheapest way to carry the largest strings of a feed. Every `]]>` is
 * split (feed 6.0.0 split only the first), although HTML built with `escapeHtml` has none.
 */
export const cdata = (clean: string): string =>
  `<![CDATA[${clean.includes(']]>') ? clean.replaceAll(']]>', ']]]]><![CDATA[>') : clean}]]>`;

/**
 * The same escapes for text already sanitised (feed items and heads are sanitised once when
 * they are prepared): the renderers call these for every field of every item.
 */
export const escapeCleanXmlText = (clean: string): string =>
  textSpecialsTest.test(clean) ? clean.replace(textSpecials, (c) => textEntities[c]!) : clean;

const attributeSpecialsTest = /[&<>"\t\n\r]/;

/** XML attribute value (double-quoted) of sanitised text. */
export const escapeCleanXmlAttribute = (clean: string): string =>
  attributeSpecialsTest.test(clean) ? clean.replace(attributeSpecials, (c) => attributeEntities[c]!) : clean;

/**
 * RSS plain-text element (title, dc:creator, category) of sanitised text: hexadecimal references,
 * per the RSS profile.
 */
export const escapeCleanRssPlainText = (clean: string): string =>
  textSpecialsTest.test(clean) ? clean.replace(textSpecials, (c) => rssPlainEntities[c]!) : clean;

const fieldEntities: Record<string, string> = { ...attributeEntities, ...rssPlainEntities };

/**
 * One escaped form of a sanitised single-line field that is valid both as XML character data
 * and as a double-quoted attribute, and follows the RSS profile's hexadecimal references: so
 * a feed item escapes each of its fields once for RSS and Atom together.
 */
export const escapeXmlField = (clean: string): string =>
  attributeSpecialsTest.test(clean) ? clean.replace(attributeSpecials, (c) => fieldEntities[c]!) : clean;

/** XML attribute value (double-quoted): sanitised, `& < > "` and whitespace controls escaped. */
export const escapeXmlAttribute = (value: string): string =>
  sanitizeText(value).replace(attributeSpecials, (c) => attributeEntities[c]!);

/**
 * The HTML escaper: `& < > " '` of text already cleaned for where it goes (feeds: `escapeHtml`
 * below; pages: shared/pages/html.ts), for element content and quoted attribute values alike.
 */
export const escapeCleanHtml = (clean: string): string =>
  htmlSpecialsTest.test(clean) ? clean.replace(htmlSpecials, (c) => htmlEntities[c]!) : clean;

/** HTML text or double-quoted attribute value inside a feed: sanitised, `& < > " '` escaped. */
export const escapeHtml = (value: string): string => {
  if (!maybeForbiddenOrHtml.test(value)) return value;
  // XML parsers turn a raw CR into LF (line-end normalisation), also inside CDATA: normalise
  // here so the HTML reads the same in RSS, Atom and JSON Feed.
  return escapeCleanHtml(sanitizeText(value).replace(/\r\n?/g, '\n'));
};

/**
 * UTF-8 length of a string without allocating its bytes (the byte cap measures every
 * fragment of every document). `Buffer.byteLength` is native and several times faster than a
 * JavaScript loop; it is a Node global, not I/O. Lone surrogates never reach here
 * (`sanitizeText` drops them), so the count is the length of the bytes actually stored.
 */
export const utf8ByteLength = (value: string): number => Buffer.byteLength(value, 'utf8');

/**
 * UTF-8 bytes beyond one per UTF-16 unit. Escaping (XML, HTML, JSON) only rewrites ASCII into
 * ASCII, so a field's extra is the same in every escaped form: a fragment's size is then its
 * `.length` (free, even for a concatenation not yet flattened) plus its fields' extras.
 */
export const utf8Extra = (value: string): number => utf8ByteLength(value) - value.length;
