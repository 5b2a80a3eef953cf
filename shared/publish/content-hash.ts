import { createHash } from 'node:crypto';
import type { Article } from '../model/issue.ts';
import { canonicalJson } from './canonical-json.ts';

/**
 * The fields that make an article's content. Ids, times, status and resolved jump targets are
 * deliberately left out: they are what publishing decides, not what the newsroom wrote, and
 * `updated` must move only when the newsroom's text changes.
 */
export const contentFields = (article: Article) => ({
  kind: article.kind,
  kicker: article.kicker,
  title: article.title,
  subtitle: article.subtitle,
  column: article.column,
  byline: article.byline,
  dateline: article.dateline,
  paragraphs: article.paragraphs,
  caption: article.caption,
  jump: article.jump,
  corrects: article.corrects,
});

/** sha256 hex of the canonical JSON of the article's content fields. */
export const contentHash = (article: Article): string =>
  createHash('sha256')
    .update(canonicalJson(contentFields(article)))
    .digest('hex');
