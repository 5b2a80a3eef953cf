import { InvalidUploadError } from '../errors.ts';
import type { Issue } from '../model/issue.ts';
import { parseUploadKey, type UploadKeyInfo } from '../upload-key.ts';
import { decodeText, defaultMaxUploadBytes } from './decode-text.ts';
import { readIssueJson, validateIssue } from './json-reader.ts';
import { readPageTextReport, type UnplacedLine } from './page-text-reader.ts';
import { checkIssueWork, checkXmlWork } from './upload-limits.ts';
import { readIssueXml } from './xml-reader.ts';

/** Options of {@link readUpload}. */
export interface ReadUploadOptions {
  /** Largest upload accepted, in bytes (default 10 MB, `SiteConfig.maxUploadBytes`). */
  maxBytes?: number;
}

/** A read upload: the issue, and the page-text lines the reader could not place (else empty). */
export interface UploadReading {
  issue: Issue;
  unplaced: UnplacedLine[];
}

/**
 * What the decoded text of a `.txt` upload really is. Page text never starts with `{` or `<`;
 * an issue document saved under a `.txt` name does, and must not be published as page text
 * (its markup would become headlines).
 */
const sniffDocument = (text: string): 'json' | 'xml' | undefined => {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  // `[` alone may open a bracketed column label (`[简讯]`); a JSON array opens `[{` or `[]`.
  const match = /^\s*(<|\{|\[\s*[{\]])/.exec(text.slice(start, start + 256));
  if (!match) return undefined;
  return match[1] === '<' ? 'xml' : 'json';
};

/**
 * The one entry publishing calls: upload bytes and their (decoded) key → a valid `Issue`, with
 * the lines of page text that went nowhere (the upload report lists them as warnings).
 * Steps: classify the key (docs/upload-contract.md) → decode the bytes → read page text (with
 * the key's date/page/section hints), JSON or XML → check the key and the content agree.
 * A `.txt` upload whose text is a JSON or XML document is read as that document, and must then
 * agree with the page the key names.
 *
 * Every failure is an `InvalidUploadError`: a bad upload is permanent, and the caller turns it
 * into a report instead of retrying. An unexpected error inside a reader is wrapped as
 * `unreadable` (with its cause) rather than allowed to look like a transient failure, and
 * without claiming the upload broke the schema.
 */
export const readUploadReport = (
  bytes: Uint8Array,
  key: string,
  options?: ReadUploadOptions,
): UploadReading => {
  try {
    const info = parseUploadKey(key);
    if (info.kind === 'media') {
      throw new InvalidUploadError(
        'unsupported-key',
        `${key} is a picture or PDF: publish it, it holds no text`,
      );
    }
    const { text } = decodeText(bytes, options);
    const format = info.kind === 'page-text' ? sniffDocument(text) : info.kind;
    if (info.kind === 'page-text' && format === undefined) {
      const { issue, unplaced } = readPageTextReport(text, {
        key,
        date: info.date,
        page: info.page,
        section: info.section,
      });
      checkIssueWork(issue);
      // The page-text reader builds the model by hand; the schema is the contract publishing relies on.
      return { issue: validateIssue(issue), unplaced };
    }
    if (format === 'xml') checkXmlWork(text);
    const issue =
      format === 'json'
        ? readIssueJson(text)
        : // Decoded text never has more UTF-16 units than bytes, so the byte cap already bounds it.
          readIssueXml(text, { maxChars: options?.maxBytes ?? defaultMaxUploadBytes });
    checkIssueWork(issue);
    checkAgainstKey(issue, info, key);
    return { issue, unplaced: [] };
  } catch (error) {
    if (error instanceof InvalidUploadError) throw error;
    throw new InvalidUploadError(
      'unreadable',
      `upload ${key} could not be read: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
};

/** {@link readUploadReport}'s issue alone. */
export const readUpload = (bytes: Uint8Array, key: string, options?: ReadUploadOptions): Issue =>
  readUploadReport(bytes, key, options).issue;

const checkAgainstKey = (issue: Issue, info: Exclude<UploadKeyInfo, { kind: 'media' }>, key: string) => {
  if (info.date !== undefined && issue.date !== info.date) {
    throw new InvalidUploadError(
      'contradicting-date',
      `the document is dated ${issue.date} but was uploaded under incoming/${info.date}/`,
      { location: { field: 'date' } },
    );
  }
  // A document under a page's name (incoming/2024-11-30/03.txt) must be that page alone:
  // otherwise deleting the page's upload would retract other pages.
  if (info.kind === 'page-text' && info.page !== undefined) {
    const numbers = issue.pages.map((p) => p.number);
    if (numbers.length !== 1 || numbers[0] !== info.page) {
      throw new InvalidUploadError(
        'contradicting-page',
        `${key} names page ${info.page}, but the issue document in it carries page${numbers.length > 1 ? 's' : ''} ${numbers.join(', ')}`,
        { location: { field: 'pages' } },
      );
    }
  }
};
