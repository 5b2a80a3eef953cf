import type { ErrorLocation } from '../../shared/errors.ts';

/**
 * What `npm start` prints for each upload, built from what publishing left in the site store:
 * the upload's report (`reports/<key>.json`), the issue it went into and the feeds whose bytes
 * changed. Reading results back from the store (instead of from a return value) proves they were
 * written, and keeps this file independent of the use case's internals.
 */

/** `reports/<upload key>.json` as the publish use case writes it; every field is optional here. */
export interface UploadReport {
  ok?: boolean;
  code?: string;
  message?: string;
  location?: ErrorLocation;
  date?: string;
  articles?: number;
  /** Published, but an operator should act (e.g. a section sharing another's feed slug). */
  warnings?: string[];
  at?: string;
}

/** Narrow an unknown JSON value to the report fields this file prints. */
export const toUploadReport = (value: unknown): UploadReport | undefined => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const report: UploadReport = {};
  if (typeof v.ok === 'boolean') report.ok = v.ok;
  if (typeof v.code === 'string') report.code = v.code;
  if (typeof v.message === 'string') report.message = v.message;
  if (typeof v.date === 'string') report.date = v.date;
  if (typeof v.at === 'string') report.at = v.at;
  if (typeof v.articles === 'number') report.articles = v.articles;
  else if (Array.isArray(v.articles)) report.articles = v.articles.length;
  if (typeof v.location === 'object' && v.location !== null) report.location = v.location as ErrorLocation;
  if (Array.isArray(v.warnings))
    report.warnings = v.warnings.filter((w): w is string => typeof w === 'string');
  return report;
};

/** `line 3, column 5` / `field pages.0.title` / `byte 120`. */
export const formatLocation = (location: ErrorLocation | undefined) => {
  if (location === undefined) return '';
  const parts: string[] = [];
  if (location.line !== undefined)
    parts.push(`line ${location.line}${location.column === undefined ? '' : `, column ${location.column}`}`);
  if (location.field !== undefined) parts.push(`field ${location.field}`);
  if (location.offset !== undefined) parts.push(`byte ${location.offset}`);
  return parts.join(', ');
};

/** The outcome of one upload as the local publisher saw it. */
export interface UploadOutcome {
  type: 'created' | 'removed';
  /** Decoded upload key, `incoming/…`. */
  key: string;
  /** Where the upload came from. */
  via: 'inbox' | 's3';
  /** True when the report says ok (or, for removals without a report, the handler succeeded). */
  ok: boolean;
  report?: UploadReport;
  /** Page numbers of the issue after this upload. */
  pages?: number[];
  /** Articles in the issue after this upload. */
  issueArticles?: number;
  /** Feed slugs whose subscription documents changed. */
  feedsTouched: string[];
  /** Set when the handler itself failed (transient error that survived the retries). */
  failure?: string;
  /** The printed line. */
  line: string;
}

const list = (items: readonly (string | number)[]) => (items.length === 0 ? 'none' : items.join(', '));

/** One human line per upload. */
export const describeUpload = (outcome: Omit<UploadOutcome, 'line'>): string => {
  const { key, report } = outcome;
  if (outcome.failure !== undefined) return `✗ ${key}: not published, the build failed: ${outcome.failure}`;
  if (!outcome.ok) {
    const where = formatLocation(report?.location);
    const code = report?.code ?? 'rejected';
    const message = report?.message ?? 'no report was written';
    return `✗ ${key}: ${code}: ${message}${where === '' ? '' : ` (${where})`} — feeds unchanged`;
  }
  const feeds = `feeds updated: ${list(outcome.feedsTouched)}`;
  if (outcome.type === 'removed') {
    return `− ${key} removed${report?.date ? ` from ${report.date}` : ''}; its articles are retracted; ${feeds}`;
  }
  const parts = [`✓ ${key} → ${report?.date ?? 'issue'}`];
  if (outcome.pages !== undefined) parts.push(`pages ${list(outcome.pages)}`);
  if (report?.articles !== undefined) parts.push(`${report.articles} articles from this upload`);
  if (outcome.issueArticles !== undefined) parts.push(`${outcome.issueArticles} in the issue`);
  const warnings = (report?.warnings ?? []).map((w) => `; ⚠ ${w}`).join('');
  return `${parts.join('; ')}; ${feeds}${warnings}`;
};
