import { InvalidUploadError } from '../errors.ts';
import type { Issue } from '../model/issue.ts';
import { parseUploadKey } from '../upload-key.ts';
import { decodeText, defaultMaxUploadBytes } from './decode-text.ts';
import { readIssueJson, validateIssue } from './json-reader.ts';
import { readPageText } from './page-text-reader.ts';
import { checkIssueWork, checkXmlWork } from './upload-limits.ts';
import { readIssueXml } from './xml-reader.ts';

/** Options of {@link readUpload}. */
export interface ReadUploadOptions {
  /** Largest upload accepted, in bytes (default 10 MB, `SiteConfig.maxUploadBytes`). */
  maxBytes?: number;
}

/**
 * The one entry publishing calls: upload bytes and their (decoded) key → a valid `Issue`.
 * Steps: classify the key (docs/upload-contract.md) → decode the bytes → read page text (with
 * the key's date/page/section hints), JSON or XML → check the key and the content agree.
 *
 * Every failure is an `InvalidUploadError`: a bad upload is permanent, and the caller turns it
 * into a report instead of retrying. An unexpected error inside a reader is wrapped as
 * `unreadable` (with its cause) rather than allowed to look like a transient failure, and
 * without claiming the upload broke the schema.
 */
export const readUpload = (bytes: Uint8Array, key: string, options?: ReadUploadOptions): Issue => {
  try {
    const info = parseUploadKey(key);
    const { text } = decodeText(bytes, options);
    if (info.kind === 'page-text') {
      const issue = readPageText(text, { key, date: info.date, page: info.page, section: info.section });
      checkIssueWork(issue);
      // The page-text reader builds the model by hand; the schema is the contract publishing relies on.
      return validateIssue(issue);
    }
    if (info.kind !== 'json') checkXmlWork(text);
    const issue =
      info.kind === 'json'
        ? readIssueJson(text)
        : // Decoded text never has more UTF-16 units than bytes, so the byte cap already bounds it.
          readIssueXml(text, { maxChars: options?.maxBytes ?? defaultMaxUploadBytes });
    checkIssueWork(issue);
    if (info.date !== undefined && issue.date !== info.date) {
      throw new InvalidUploadError(
        'contradicting-date',
        `the document is dated ${issue.date} but was uploaded under incoming/${info.date}/`,
        { location: { field: 'date' } },
      );
    }
    return issue;
  } catch (error) {
    if (error instanceof InvalidUploadError) throw error;
    throw new InvalidUploadError(
      'unreadable',
      `upload ${key} could not be read: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
};
