import { InvalidUploadError } from '../errors.ts';
import type { Issue } from '../model/issue.ts';

/**
 * Caps on the WORK an upload may cause, beside the byte cap (docs/upload-contract.md, "Work
 * limits"). A 4.8 MB JSON document of 50,000 one-line briefs took 43 s and 1 GB to publish, and a
 * 10 MB XML document with 850,000 attributes 970 MB before it was rejected: small uploads, huge
 * work. A real issue of 衢州日报 has 8–24 pages of 5–20 articles of at most a few thousand
 * characters, so each cap sits one to two orders of magnitude above anything the paper prints.
 */
export const uploadLimits = {
  /** Pages in one upload (a whole-issue JSON/XML document). */
  pagesPerDocument: 100,
  /** Articles in one upload, all pages together. */
  articlesPerUpload: 1_000,
  /** Characters of one article: title, kicker, subtitle, caption and paragraphs together. */
  charsPerArticle: 100_000,
  /**
   * Characters of all articles of one upload together. A whole issue of 24 pages prints a few
   * hundred thousand; publishing holds the text several times over (model, records, three feed
   * formats, archives), and 1,000 articles filling the 10 MB byte cap (~3.1 M CJK characters)
   * peaked at 301 MB, over the 256 MB the issue allows. At 2 M the worst case stays inside it.
   */
  charsPerUpload: 2_000_000,
  /** XML elements (start tags) in one document, counted before it is parsed. */
  xmlElements: 100_000,
  /** XML attributes in one document, counted before it is parsed. */
  xmlAttributes: 50_000,
} as const;

const overLimit = (message: string, location?: { field?: string; offset?: number }) =>
  new InvalidUploadError('over-limit', message, location === undefined ? undefined : { location });

/**
 * Count elements and attributes of an XML text BEFORE parsing it (one pass, no allocation): the
 * parser's memory grows with both. Counts are upper bounds — a `<` or `="` inside text or a
 * comment also counts — which only matters to a document already near a cap far above real ones.
 * @throws InvalidUploadError `over-limit` with the offset where the cap was passed
 */
export const checkXmlWork = (text: string): void => {
  let elements = 0;
  let attributes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x3c /* < */) {
      const next = text.charCodeAt(i + 1);
      if (next !== 0x2f /* / */ && next !== 0x21 /* ! */ && next !== 0x3f /* ? */) elements += 1;
      if (elements > uploadLimits.xmlElements)
        throw overLimit(`more than ${uploadLimits.xmlElements} XML elements in one document`, { offset: i });
    } else if (c === 0x3d /* = */) {
      const next = text.charCodeAt(i + 1);
      if (next === 0x22 /* " */ || next === 0x27 /* ' */) attributes += 1;
      if (attributes > uploadLimits.xmlAttributes)
        throw overLimit(`more than ${uploadLimits.xmlAttributes} XML attributes in one document`, {
          offset: i,
        });
    }
  }
};

/**
 * Pages, articles and characters of a read upload, before anything is merged or rendered.
 * @throws InvalidUploadError `over-limit` naming the first page / article over a cap
 */
export const checkIssueWork = (issue: Issue): void => {
  if (issue.pages.length > uploadLimits.pagesPerDocument)
    throw overLimit(
      `${issue.pages.length} pages in one upload; the limit is ${uploadLimits.pagesPerDocument}`,
      {
        field: 'pages',
      },
    );
  let articles = 0;
  let total = 0;
  issue.pages.forEach((page, p) => {
    articles += page.articles.length;
    if (articles > uploadLimits.articlesPerUpload)
      throw overLimit(`more than ${uploadLimits.articlesPerUpload} articles in one upload`, {
        field: `pages.${p}.articles`,
      });
    page.articles.forEach((article, a) => {
      let chars = article.title.length + (article.kicker?.length ?? 0) + (article.subtitle?.length ?? 0);
      chars += article.caption?.length ?? 0;
      for (const paragraph of article.paragraphs) chars += paragraph.length;
      if (chars > uploadLimits.charsPerArticle)
        throw overLimit(`an article of ${chars} characters; the limit is ${uploadLimits.charsPerArticle}`, {
          field: `pages.${p}.articles.${a}`,
        });
      total += chars;
      if (total > uploadLimits.charsPerUpload)
        throw overLimit(`more than ${uploadLimits.charsPerUpload} characters in one upload`, {
          field: `pages.${p}.articles.${a}`,
        });
    });
  });
};
