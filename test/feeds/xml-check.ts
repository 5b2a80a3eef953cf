import { XMLParser } from 'fast-xml-parser';
import { SaxesParser } from 'saxes';

/**
 * Test helpers: strict well-formedness (saxes with namespaces: fast-xml-parser alone accepts
 * ill-formed XML) and a fast-xml-parser tree with attributes kept and no type coercion.
 */

/** Throws on the first well-formedness or namespace error. */
export const assertWellFormed = (xml: string): void => {
  const parser = new SaxesParser({ xmlns: true });
  let error: Error | undefined;
  parser.on('error', (e) => {
    error ??= e;
  });
  parser.write(xml).close();
  if (error) throw error;
};

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  htmlEntities: true,
  processEntities: true,
  isArray: (name, jpath) =>
    (name === 'link' && String(jpath).startsWith('feed')) ||
    [
      'item',
      'entry',
      'dc:creator',
      'author',
      'atom:link',
      'at:deleted-entry',
      'outline',
      'category',
      'enclosure',
      'media:content',
      'media:credit',
    ].includes(name),
});

/** Parse (after the strict check) into a plain tree: attributes as `@name`, text as `#text`. */
// biome-ignore lint/suspicious/noExplicitAny: a parsed XML tree is untyped by nature
export const parseXml = (xml: string): any => {
  assertWellFormed(xml);
  return parser.parse(xml);
};

/** Text of a parsed element that may have attributes. */
export const textOf = (node: unknown): string =>
  typeof node === 'string' ? node : String((node as Record<string, unknown>)['#text'] ?? '');
