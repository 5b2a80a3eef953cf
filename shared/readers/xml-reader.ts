import { XMLParser } from 'fast-xml-parser';
import { SaxesParser } from 'saxes';
import { InvalidUploadError } from '../errors.ts';
import type { Issue } from '../model/issue.ts';
import { lineColumnAt, validateIssue } from './json-reader.ts';

/**
 * XML issue documents (format: docs/xml-format.md). Three gates before the model sees a value:
 * 1. a textual scan rejects `<!DOCTYPE`/`<!ENTITY` outright — issue data needs no DTD, and
 *    refusing it removes entity-expansion attacks (billion laughs, external entities) whole;
 * 2. `saxes` (strict, namespace-aware) checks well-formedness and depth, because
 *    fast-xml-parser accepts `<a><b></a>`, two roots and control characters;
 * 3. fast-xml-parser builds the tree with every value kept as a string, and a mapping step
 *    turns elements into the model, which `IssueSchema` then validates (same errors as JSON).
 */

/** Largest XML document, in UTF-16 code units (≈ characters). Matches the default upload cap. */
const maxXmlChars = 10 * 1024 * 1024;
/** Deepest element nesting. The format needs 5 (issue/page/article/byline/person). */
const maxXmlDepth = 32;

/** Options of {@link readIssueXml}; defaults are {@link maxXmlChars} and {@link maxXmlDepth}. */
export interface XmlReaderOptions {
  maxChars?: number;
  maxDepth?: number;
}

/**
 * Read an XML issue document into the model.
 *
 * @throws InvalidUploadError `too-large`, `empty`, `doctype`, `malformed-xml` (line/column),
 *   `too-deep`, `schema` (field path in model terms, e.g. `pages.0.articles.2.title`).
 */
export const readIssueXml = (text: string, options?: XmlReaderOptions): Issue => {
  const maxChars = options?.maxChars ?? maxXmlChars;
  const maxDepth = options?.maxDepth ?? maxXmlDepth;
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (source.length > maxChars) {
    throw new InvalidUploadError(
      'too-large',
      `XML document is ${source.length} characters; the limit is ${maxChars}`,
    );
  }
  if (source.trim() === '') throw new InvalidUploadError('empty', 'XML document is empty');

  const dtd = /<!\s*(DOCTYPE|ENTITY)/i.exec(source);
  if (dtd) {
    throw new InvalidUploadError('doctype', `XML documents must not declare a ${dtd[1]!.toUpperCase()}`, {
      location: { ...lineColumnAt(source, dtd.index), offset: dtd.index },
    });
  }

  const lines = checkWellFormed(source, maxDepth);
  const tree = parseTree(source, maxDepth);
  try {
    return validateIssue(toIssue(tree));
  } catch (error) {
    throw withLine(error, lines);
  }
};

/** Where the elements that model paths name start: the root, `<paper>`, `<page>`s and their `<article>`s. */
interface ElementLines {
  root?: number;
  paper?: number;
  pages: number[];
  articles: number[][];
}

/**
 * A schema error names a model path (`pages.0.articles.2.title`); add the line of the element
 * that path lives in, so an operator can find it in the file.
 */
const withLine = (error: unknown, lines: ElementLines): unknown => {
  if (!(error instanceof InvalidUploadError) || error.code !== 'schema') return error;
  const field = error.location?.field ?? '';
  const [top, page, articles, article] = field.split('.');
  const pageIndex = Number(page);
  const line =
    top === 'paper'
      ? lines.paper
      : top !== 'pages'
        ? lines.root
        : articles === 'articles' && article !== undefined
          ? lines.articles[pageIndex]?.[Number(article)]
          : lines.pages[pageIndex];
  if (line === undefined) return error;
  return new InvalidUploadError('schema', `line ${line}: ${error.message}`, {
    location: { ...error.location, line },
    cause: error.cause,
  });
};

/** Thrown inside saxes handlers to stop at the first problem; never escapes this module. */
class Stop {
  constructor(readonly error: InvalidUploadError) {}
}

const checkWellFormed = (source: string, maxDepth: number): ElementLines => {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const lines: ElementLines = { pages: [], articles: [] };
  const open: string[] = [];
  let depth = 0;
  parser.on('error', (cause) => {
    // saxes columns are 0-based; people count from 1.
    const location = { line: parser.line, column: parser.column + 1 };
    const reason = cause.message.replace(/^\d+:\d+: /, '');
    throw new Stop(
      new InvalidUploadError(
        'malformed-xml',
        `malformed XML at line ${location.line}, column ${location.column}: ${reason}`,
        {
          location,
          cause,
        },
      ),
    );
  });
  parser.on('opentag', (tag) => {
    const parent = open.join('/');
    if (parent === '') lines.root ??= parser.line;
    else if (parent === 'issue' && tag.name === 'page') {
      lines.pages.push(parser.line);
      lines.articles.push([]);
    } else if (parent === 'issue/page' && tag.name === 'article') lines.articles.at(-1)?.push(parser.line);
    else if (parent === 'issue' && tag.name === 'paper') lines.paper ??= parser.line;
    if (!tag.isSelfClosing) open.push(tag.name);
    depth += 1;
    if (depth > maxDepth) {
      throw new Stop(
        new InvalidUploadError('too-deep', `XML nests deeper than ${maxDepth} elements`, {
          location: { line: parser.line, column: parser.column + 1 },
        }),
      );
    }
  });
  parser.on('closetag', (tag) => {
    if (!tag.isSelfClosing) open.pop();
    depth -= 1;
  });
  try {
    parser.write(source).close();
  } catch (stop) {
    if (stop instanceof Stop) throw stop.error;
    throw stop;
  }
  return lines;
};

/** One element as fast-xml-parser builds it with the options below. */
interface XmlElement {
  '#text'?: string;
  [name: string]: XmlElement[] | string | undefined;
}

const attributePrefix = '@_';

const parseTree = (source: string, maxDepth: number): Record<string, unknown> => {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: attributePrefix,
    // Keep every value a string: "0012", "20241130" or "1e3" must not turn into numbers.
    parseTagValue: false,
    parseAttributeValue: false,
    // Trimming per text node would also eat the space between text and a CDATA section;
    // values are trimmed once, whole, in the mapping below.
    trimValues: false,
    alwaysCreateTextNode: true,
    // Every element becomes an array so a duplicated singleton (two <title>) is visible.
    isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
    ignoreDeclaration: true,
    ignorePiTags: true,
    // No DTD can reach this point, so only the five XML entities and numeric references remain;
    // `htmlEntities` is what turns on numeric references (&#20013;) in this parser. The entity
    // limits are set as tight as the parser allows all the same, should a DTD ever slip past
    // the gate: one declared entity of one character. They do not count the five XML entities
    // or numeric references (which never expand text), so large documents are not capped.
    processEntities: { enabled: true, maxEntityCount: 1, maxEntitySize: 1, maxExpansionDepth: 1 },
    htmlEntities: true,
    maxNestedTags: maxDepth,
  });
  try {
    return parser.parse(source) as Record<string, unknown>;
  } catch (cause) {
    // saxes accepted the document, so this is a limit or a parser quirk; still the upload's fault.
    throw new InvalidUploadError('malformed-xml', `XML could not be read: ${(cause as Error).message}`, {
      cause,
    });
  }
};

// ---- mapping: elements and attributes → the model's plain shape (validated afterwards) ----

const issueAttributes = ['date', 'number', 'pageCount', 'weekday', 'lunarDate'] as const;
const paperAttributes = ['name', 'organ', 'publisher', 'serial', 'hotline'] as const;
const articleTextElements = ['kicker', 'title', 'subtitle', 'column', 'dateline', 'caption'] as const;

const schemaError = (field: string, message: string) =>
  new InvalidUploadError('schema', `${field}: ${message}`, { location: { field } });

const attributesOf = (el: XmlElement) =>
  Object.keys(el)
    .filter((k) => k.startsWith(attributePrefix))
    .map((k) => k.slice(attributePrefix.length))
    // Namespace declarations are bookkeeping, not data.
    .filter((k) => k !== 'xmlns' && !k.startsWith('xmlns:'));

const childNamesOf = (el: XmlElement) =>
  Object.keys(el).filter((k) => !k.startsWith(attributePrefix) && k !== '#text');

/** Reject attributes and child elements the format does not define, like `.strict()` does for JSON. */
const allowOnly = (
  el: XmlElement,
  field: string,
  attributes: readonly string[],
  children: readonly string[],
) => {
  for (const name of attributesOf(el)) {
    if (!attributes.includes(name)) throw schemaError(field, `unknown attribute "${name}"`);
  }
  for (const name of childNamesOf(el)) {
    if (!children.includes(name)) throw schemaError(field, `unknown element <${name}>`);
  }
  if (children.length === 0 || text(el) === undefined) return;
  throw schemaError(field, 'unexpected text; text belongs in child elements');
};

const attr = (el: XmlElement, name: string) => {
  const value = el[attributePrefix + name];
  return typeof value === 'string' ? value.trim() : undefined;
};

const children = (el: XmlElement, name: string): XmlElement[] => {
  const value = el[name];
  return Array.isArray(value) ? value : [];
};

/** Trimmed text content; empty text counts as absent (`<kicker/>`). */
const text = (el: XmlElement) => {
  const value = el['#text'];
  const trimmed = typeof value === 'string' ? value.trim() : '';
  return trimmed === '' ? undefined : trimmed;
};

const single = (el: XmlElement, name: string, field: string) => {
  const list = children(el, name);
  if (list.length > 1)
    throw schemaError(field, `<${name}> appears ${list.length} times; at most once allowed`);
  return list[0];
};

/** Integers stay strings unless they are plain decimal digits, so the schema reports a type error. */
const integer = (value: string | undefined): number | string | undefined =>
  value !== undefined && /^\d{1,9}$/.test(value) ? Number(value) : value;

/** Drop undefined members so optional fields are absent, as in the JSON form. */
const compact = <T extends Record<string, unknown>>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

const toIssue = (tree: Record<string, unknown>): unknown => {
  // Whitespace around processing instructions outside the root comes back as a top-level text
  // node (saxes has already refused any other text there); PIs themselves carry no data.
  const roots = Object.keys(tree).filter((key) => key !== '#text' && !key.startsWith('?'));
  const root = roots[0];
  if (roots.length !== 1 || root === undefined) throw schemaError('(document)', 'expected one root element');
  if (root !== 'issue') throw schemaError('(document)', `root element must be <issue>, not <${root}>`);
  const issue = (tree[root] as XmlElement[])[0]!;
  allowOnly(issue, '(document)', issueAttributes, ['paper', 'page']);
  const paper = single(issue, 'paper', 'paper');
  if (paper) allowOnly(paper, 'paper', paperAttributes, []);
  return compact({
    paper: paper ? compact(Object.fromEntries(paperAttributes.map((a) => [a, attr(paper, a)]))) : undefined,
    date: attr(issue, 'date'),
    weekday: attr(issue, 'weekday'),
    lunarDate: attr(issue, 'lunarDate'),
    number: integer(attr(issue, 'number')),
    pageCount: integer(attr(issue, 'pageCount')),
    pages: children(issue, 'page').map((page, p) => toPage(page, `pages.${p}`)),
  });
};

const toPage = (page: XmlElement, field: string) => {
  allowOnly(page, field, ['number', 'section', 'editor'], ['article']);
  return compact({
    number: integer(attr(page, 'number')),
    section: attr(page, 'section'),
    editor: attr(page, 'editor'),
    articles: children(page, 'article').map((article, a) => toArticle(article, `${field}.articles.${a}`)),
  });
};

const toArticle = (article: XmlElement, field: string) => {
  allowOnly(
    article,
    field,
    ['id', 'kind'],
    [...articleTextElements, 'byline', 'p', 'jump', 'corrects', 'photo'],
  );
  const texts = Object.fromEntries(
    articleTextElements.map((name) => {
      const el = single(article, name, `${field}.${name}`);
      if (el) allowOnly(el, `${field}.${name}`, [], []);
      return [name, el ? text(el) : undefined];
    }),
  );
  const byline = single(article, 'byline', `${field}.byline`);
  if (byline) allowOnly(byline, `${field}.byline`, [], ['person']);
  const jump = single(article, 'jump', `${field}.jump`);
  if (jump) allowOnly(jump, `${field}.jump`, ['page'], []);
  const corrects = single(article, 'corrects', `${field}.corrects`);
  if (corrects) allowOnly(corrects, `${field}.corrects`, ['date', 'page'], []);
  const paragraphs = children(article, 'p');
  for (const [i, p] of paragraphs.entries()) allowOnly(p, `${field}.paragraphs.${i}`, [], []);
  const photos = children(article, 'photo').map((photo, i) => toPhoto(photo, `${field}.photos.${i}`));
  return compact({
    id: attr(article, 'id'),
    kind: attr(article, 'kind'),
    kicker: texts.kicker,
    title: texts.title,
    subtitle: texts.subtitle,
    column: texts.column,
    byline: (byline ? children(byline, 'person') : []).map((person, i) => {
      allowOnly(person, `${field}.byline.${i}`, ['role'], []);
      return { name: text(person) ?? '', role: attr(person, 'role') };
    }),
    dateline: texts.dateline,
    // An empty <p/> is kept as '' so the schema names it instead of silently dropping it.
    paragraphs: paragraphs.map((p) => text(p) ?? ''),
    caption: texts.caption,
    jump: jump ? compact({ page: integer(attr(jump, 'page')), label: text(jump) }) : undefined,
    corrects: corrects
      ? compact({
          date: attr(corrects, 'date'),
          page: integer(attr(corrects, 'page')),
          title: text(corrects),
        })
      : undefined,
    photos: photos.length > 0 ? photos : undefined,
  });
};

/** `<photo file="01-古城韵味.jpg"><caption>…</caption><credit>记者 刘芸 摄</credit></photo>` → `PhotoRef`. */
const toPhoto = (photo: XmlElement, field: string) => {
  allowOnly(photo, field, ['file'], ['caption', 'credit']);
  const words = Object.fromEntries(
    (['caption', 'credit'] as const).map((name) => {
      const el = single(photo, name, `${field}.${name}`);
      if (el) allowOnly(el, `${field}.${name}`, [], []);
      return [name, el ? text(el) : undefined];
    }),
  );
  return compact({ file: attr(photo, 'file'), caption: words.caption, credit: words.credit });
};
