import { StoredRecordError } from '../errors.ts';
import type { ArticleRecord, PublishedIssue } from '../model/published.ts';

const decoder = new TextDecoder('utf-8', { fatal: true });

const parseJson = (key: string, body: Uint8Array): unknown => {
  try {
    return JSON.parse(decoder.decode(body));
  } catch (cause) {
    throw new StoredRecordError(key, 'not UTF-8 JSON', { cause });
  }
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Parse `articles/<date>/<id>.json`. Publishing validated the content; this checks the shape the
 * page depends on and that the record is the one the path names, so a misplaced object is never
 * served under another permalink.
 */
export const parseArticleRecord = (
  key: string,
  body: Uint8Array,
  date: string,
  id: string,
): ArticleRecord => {
  const value = parseJson(key, body);
  if (!isObject(value) || value.schemaVersion !== 1)
    throw new StoredRecordError(key, 'not a schemaVersion 1 record');
  const { article, page, paper, issue } = value;
  if (!isObject(article) || !isObject(page) || !isObject(paper) || !isObject(issue))
    throw new StoredRecordError(key, 'missing article, page, paper or issue');
  if (value.date !== date || article.id !== id)
    throw new StoredRecordError(key, 'record names another article');
  if (
    typeof article.title !== 'string' ||
    !Array.isArray(article.paragraphs) ||
    !Array.isArray(article.byline)
  )
    throw new StoredRecordError(key, 'article without title, paragraphs or byline');
  return value as unknown as ArticleRecord;
};

/** Parse `issues/<date>.json` or `issues/latest.json` (date checked when given). */
export const parsePublishedIssue = (key: string, body: Uint8Array, date?: string): PublishedIssue => {
  const value = parseJson(key, body);
  if (!isObject(value) || value.schemaVersion !== 1)
    throw new StoredRecordError(key, 'not a schemaVersion 1 issue');
  if (date !== undefined && value.date !== date) throw new StoredRecordError(key, 'issue of another date');
  if (typeof value.date !== 'string' || !Array.isArray(value.pages) || !isObject(value.paper))
    throw new StoredRecordError(key, 'issue without date, pages or paper');
  return value as unknown as PublishedIssue;
};
