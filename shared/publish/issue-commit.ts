import { StorageError } from '../errors.ts';
import type { PublishedIssue } from '../model/published.ts';
import { articleKey, issueKey, policyForKey } from '../site-layout.ts';
import { articleRecordsOf } from './article-records.ts';
import { canonicalJson } from './canonical-json.ts';
import { withAttachedMedia } from './publish-media.ts';
import { type IssueTransform, type PublishDeps, retryOf, settleAttempts } from './publish-types.ts';
import { writeArticleRecords } from './site-writers.ts';
import { jsonFormat, readJson, updateVersioned, type WriteLog } from './store-io.ts';

/** An issue document as before and after a commit (both undefined when there is none). */
export interface IssueCommit {
  before: PublishedIssue | undefined;
  after: PublishedIssue | undefined;
  etag: string | undefined;
}

/**
 * Conditional read-modify-write of `issues/<date>.json`. Within each attempt the article records
 * whose bytes change are written BEFORE the conditional write of the issue document, so no
 * document ever names a record that does not exist. Records written in a lost attempt are
 * rewritten from the fresh state in the next one.
 */
export const commitIssue = async (
  deps: PublishDeps,
  date: string,
  transform: IssueTransform,
  writes: WriteLog,
): Promise<IssueCommit> => {
  const { site } = deps;
  // Record keys written by any attempt: a later attempt rewrites them even if they look unchanged.
  const touched = new Set<string>();
  const key = issueKey(date);
  const update = await updateVersioned<PublishedIssue>(
    site,
    { key, format: jsonFormat<PublishedIssue>, options: policyForKey(key) },
    // Media (photos, facsimiles) are attached afresh on every commit: arrival order does not matter.
    (current) => withAttachedMedia(site, date, current?.value, transform(current?.value)),
    {
      writes,
      retry: retryOf(deps),
      beforeWrite: async (after, current) => {
        const before = new Map(
          current === undefined
            ? []
            : articleRecordsOf(current.value).map((r) => [r.key, canonicalJson(r.record)]),
        );
        const changed = articleRecordsOf(after).filter(
          (r) => touched.has(r.key) || before.get(r.key) !== canonicalJson(r.record),
        );
        for (const r of changed) touched.add(r.key);
        const keys = changed.map((r) => r.key);
        await writeArticleRecords(site, { ...after, pages: pagesHolding(after, keys) }, writes);
      },
    },
  );
  // A lost attempt wrote records from a stale view: bring them back in line.
  if (update.outcome === 'same' && touched.size > 0)
    await writeArticleRecords(site, update.after!.value, writes);
  return { before: update.before?.value, after: update.after?.value, etag: update.after?.etag };
};

/** The issue's pages reduced to the articles whose record keys are listed. */
const pagesHolding = (issue: PublishedIssue, keys: readonly string[]) => {
  const wanted = new Set(keys);
  return issue.pages.map((page) => ({
    ...page,
    articles: page.articles.filter((a) => wanted.has(articleKey(issue.date, a.id))),
  }));
};

/**
 * After the commit: every record of the committed issue is checked (and rewritten if a racing
 * writer's stale attempt overwrote it), then the issue document is read again; if it moved,
 * repeat with the newer version. The last committer's records therefore win.
 */
export const settleRecords = async (
  deps: PublishDeps,
  date: string,
  issue: PublishedIssue,
  etag: string,
  writes: WriteLog,
): Promise<PublishedIssue> => {
  let current = { issue, etag };
  for (let attempt = 0; attempt < settleAttempts; attempt += 1) {
    await writeArticleRecords(deps.site, current.issue, writes);
    const check = await readJson<PublishedIssue>(deps.site, issueKey(date));
    if (check === undefined || check.etag === current.etag) return current.issue;
    current = { issue: check.value, etag: check.etag };
  }
  throw new StorageError(`issue ${date} kept changing while its records were written`);
};
