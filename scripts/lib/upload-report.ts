import { changedFeedSlugs } from '../../functions/build-feeds/changed-feeds.ts';
import type { ErrorLocation } from '../../shared/errors.ts';
import type { PublishOutcome } from '../../shared/publish/publish-upload.ts';
import { allSectionsSlug, feedKey, inputPrefix, opmlKey, siteFileUrl } from '../../shared/site-layout.ts';

/**
 * What the local CLIs print. `npm start`: one line per upload, from the outcome the build handler
 * hands back (the upload's report and the feeds it changed) and the issue it went into; and the
 * banner. `npm run publish`: a published upload and the feeds it changed.
 */

/** The fields of an upload's report (`reports/<upload key>.json`) this prints; every one optional. */
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

/** The lines printed once everything is running. */
export const startBanner = (
  siteUrl: string,
  inboxDir: string,
  s3: { endpoint: string; bucket: string } | undefined,
  sections: readonly { section: string; sectionSlug: string }[],
) => {
  const lines = [
    '',
    `衢州日报 feeds are served at ${siteUrl}/`,
    `  Home page (latest issue): ${siteUrl}/`,
    `  Subscribe to everything:  ${siteFileUrl(siteUrl, opmlKey)}   (OPML: import it in your feed reader)`,
    `  All sections:             ${siteFileUrl(siteUrl, feedKey(allSectionsSlug, 'rss'))}  (also atom.xml, feed.json)`,
    `  Inbox: drop a page into ${inboxDir}/<YYYY-MM-DD>/<NN>.txt to publish it; delete it to retract it.`,
  ];
  if (s3 !== undefined) {
    lines.push(
      `  S3 endpoint: ${s3.endpoint}  bucket ${s3.bucket}  (credentials S3RVER / S3RVER), e.g.`,
      `    aws s3 cp page.txt s3://${s3.bucket}/${inputPrefix}2024-11-30/02.txt --endpoint-url ${s3.endpoint}`,
    );
  }
  if (sections.length > 0) {
    lines.push('  Section feeds of the latest issue:');
    const seen = new Set<string>();
    for (const { section, sectionSlug } of sections) {
      if (seen.has(sectionSlug)) continue;
      seen.add(sectionSlug);
      lines.push(`    ${section}  ${siteFileUrl(siteUrl, feedKey(sectionSlug, 'rss'))}`);
    }
  }
  lines.push('  Press Ctrl-C to stop.', '');
  return lines;
};

/**
 * `npm run publish`'s lines for one upload: what went into which issue and the RSS address of
 * every feed the upload changed; or, when rejected, why and where the report is.
 */
export const publishLines = (
  outcome: PublishOutcome,
  where: { siteUrl: string; reportPath: string },
): string[] => {
  const { key, report, written } = outcome;
  if (!report.ok) {
    const at = report.location === undefined ? '' : ` at ${JSON.stringify(report.location)}`;
    return [`✗ ${key}: rejected (${report.code}) ${report.message}${at}`, `  report: ${where.reportPath}`];
  }
  return [
    `✓ ${key} → ${report.date}: pages ${report.pages.join(', ')}, ${report.articles} articles; ` +
      `${written.length === 0 ? 'nothing changed' : `${written.length} objects written`}`,
    ...changedFeedSlugs(written).map((slug) => `  ${siteFileUrl(where.siteUrl, feedKey(slug, 'rss'))}`),
  ];
};
