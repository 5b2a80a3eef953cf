import type { InvalidUploadError } from '../errors.ts';
import type { Issue } from '../model/issue.ts';
import type { UnplacedLine } from '../readers/page-text-reader.ts';
import { objectPolicy, reportKey } from '../site-layout.ts';
import type { Store } from '../storage/store.ts';
import { canonicalJson, canonicalJsonBytes } from './canonical-json.ts';
import { formatBeijing } from './publish-times.ts';
import type { Propagated, PublishDeps, PublishOutcome, UploadReport } from './publish-types.ts';
import { isLivePage } from './site-state.ts';
import { slugClashWarning } from './slug-clash-warning.ts';
import { readJson, type WriteLog } from './store-io.ts';

/** The report of an upload that was published. */
export const publishedReport = (
  key: string,
  issue: Issue,
  warnings: readonly string[],
  unplaced: readonly UnplacedLine[],
  now: Date,
): UploadReport => ({
  key,
  ok: true,
  date: issue.date,
  pages: issue.pages.map((p) => p.number).sort((a, b) => a - b),
  articles: issue.pages.reduce((n, p) => n + p.articles.length, 0),
  ...(warnings.length > 0 ? { warnings: [...warnings] } : {}),
  ...(unplaced.length > 0 ? { unplaced: [...unplaced] } : {}),
  at: formatBeijing(now.getTime()),
});

/** The report of an upload that was refused: bad data, which no retry can help. */
export const rejectedReport = (key: string, error: InvalidUploadError, now: Date): UploadReport => ({
  key,
  ok: false,
  code: error.code,
  message: error.message,
  location: error.location,
  at: formatBeijing(now.getTime()),
});

/** One report warning per line the page-text reader could not place: where it is and what it says. */
export const unplacedWarnings = (unplaced: readonly UnplacedLine[]) =>
  unplaced.map(
    ({ line, text }) =>
      `unplaced: line ${line} (${text}) was not placed in any article; check that it is published as meant`,
  );

/**
 * Pages of this upload whose feed (its slug's window, as this publish left it) also carries live
 * pages under another 版名 — homophones (综合 and 宗和 are both `zonghe`), or a section renamed
 * without changing its slug. Both 版名 then share one feed; only the operator can separate them
 * (sectionSlugs), so the report says so. Read from the window, not from history: the warning
 * ends once the other 版名 has left the feed, and a redelivery or a rebuild reports the same.
 */
export const slugClashes = (committed: Propagated | undefined, key: string): string[] =>
  (committed?.issue.pages ?? [])
    .filter((page) => page.source === key && isLivePage(page))
    .flatMap((page) => {
      const window = committed?.windows.get(page.sectionSlug)?.value;
      const others = new Set(
        (window?.issues ?? []).flatMap((issue) =>
          issue.pages.filter((p) => p.section !== page.section && isLivePage(p)).map((p) => p.section),
        ),
      );
      return slugClashWarning(page, others);
    });

/**
 * Reports carry the time they were written; a report that differs only in `at` is not rewritten,
 * so a redelivered event writes nothing at all.
 */
export const writeReport = async (site: Store, report: UploadReport, writes: WriteLog) => {
  const key = reportKey(report.key);
  const existing = await readJson<UploadReport>(site, key);
  if (
    existing !== undefined &&
    canonicalJson({ ...existing.value, at: '' }) === canonicalJson({ ...report, at: '' })
  ) {
    return;
  }
  await site.put(key, canonicalJsonBytes(report), objectPolicy({ kind: 'report', uploadKey: report.key }));
  writes.push(key);
};

/** Refuse an upload: its report says why, the log warns; nothing else is written. */
export const rejectUpload = async (
  deps: Pick<PublishDeps, 'site' | 'clock' | 'log'>,
  key: string,
  error: InvalidUploadError,
  writes: WriteLog,
): Promise<PublishOutcome> => {
  const report = rejectedReport(key, error, deps.clock());
  await writeReport(deps.site, report, writes);
  deps.log.warn('upload rejected', { key, code: error.code, message: error.message });
  return { status: 'rejected', key, written: writes, report };
};
