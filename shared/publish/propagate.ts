import { StorageError } from '../errors.ts';
import type { PublishedIssue } from '../model/published.ts';
import { allSectionsSlug } from '../site-layout.ts';
import { maintainSitemaps } from '../sitemaps/maintain-sitemaps.ts';
import { calendarReads, clearFinished, updateCalendar } from './calendars.ts';
import { commitIssue, settleRecords } from './issue-commit.ts';
import {
  type IssueTransform,
  type Propagated,
  type PublishDeps,
  retryOf,
  settleAttempts,
} from './publish-types.ts';
import { type RenderPass, renderFromWindows, renderPass } from './render-pass.ts';
import { sectionSlugsOf, type WindowDoc } from './site-state.ts';
import type { Versioned, WriteLog } from './store-io.ts';
import {
  movedWindows,
  repairCatalog,
  revalidateWindows,
  updateWindows,
  type WindowState,
} from './windows.ts';

/**
 * Change one issue and bring everything derived from it up to date:
 * records → issue document → records settled → calendar → windows → feeds, archives, latest,
 * OPML → sitemaps. Returns the issue as finally committed (undefined when there is none) and
 * its feeds' windows.
 */
export const commitAndPropagate = async (
  deps: PublishDeps,
  date: string,
  transform: IssueTransform,
  writes: WriteLog,
): Promise<Propagated | undefined> => {
  const commit = await commitIssue(deps, date, transform, writes);
  if (commit.after === undefined) return undefined;
  const settled = await settleRecords(deps, date, commit.after, commit.etag!, writes);
  const { windows, mediaListed } = await propagate(deps, date, commit.before, settled, writes);
  await maintainSitemaps(
    { site: deps.site, config: deps.config, retry: retryOf(deps) },
    settled,
    windows,
    writes,
  );
  return { issue: settled, windows, mediaListed };
};

/** Everything derived from one date's issue, made consistent with it (see commitAndPropagate). */
const propagate = async (
  deps: PublishDeps,
  date: string,
  before: PublishedIssue | undefined,
  after: PublishedIssue,
  writes: WriteLog,
): Promise<{ windows: ReadonlyMap<string, Versioned<WindowDoc>>; mediaListed: boolean }> => {
  const calendar = await updateCalendar(deps, date, writes);
  // Slugs the date left: from the committed change, and from the calendar's pending list, which
  // is all a retry has once the issue document already holds the change.
  const departed = calendar.after?.departed?.[date] ?? [];
  const slugsBefore = [...new Set([...sectionSlugsOf(before), ...departed])].sort();
  const affected = [allSectionsSlug, ...new Set([...slugsBefore, ...sectionSlugsOf(after)])].sort((a, b) =>
    a === allSectionsSlug ? -1 : b === allSectionsSlug ? 1 : a < b ? -1 : 1,
  );
  // Calendars answer neighbour lookups beyond a window. Each one consulted (by the window update
  // or a render pass) is kept with its ETag and re-checked by the settle loop like the windows:
  // a date another publish adds to it can change a `prev-archive` link or a window's predecessor.
  const calendars = calendarReads(deps, date.slice(0, 4), { doc: calendar.after, etag: calendar.etag });
  const pass = renderPass({ site: deps.site, config: deps.config, writes, date, slugsBefore, calendars });
  const windows = await updateWindows(deps, date, affected, calendars, writes);
  const latest = await settleFeeds(deps, pass, affected, windows);
  await clearFinished(deps, date, departed, writes);
  return { windows: latest, mediaListed: calendar.after?.media?.includes(date) === true };
};

/**
 * Render the feeds from the windows, then settle: if another publish changed a window meanwhile,
 * what was just written may be stale (and that publish may have rendered before this one wrote),
 * so render again from the newer one; the same when a calendar or an issue document read for
 * archives beyond the windows moved (a neighbour date corrected or inserted). Each pass is caused
 * by another publish's change, so passes are bounded by the concurrent publishes; they back off
 * like the conditional writes do. Returns the windows as the last pass found them.
 */
const settleFeeds = async (
  deps: PublishDeps,
  pass: RenderPass,
  affected: readonly string[],
  windows: ReadonlyMap<string, WindowState>,
): Promise<Map<string, Versioned<WindowDoc>>> => {
  const retry = retryOf(deps);
  const latest = new Map<string, Versioned<WindowDoc>>(windows);
  let rendered: ReadonlyMap<string, WindowState> = windows;
  const passes = Math.max(settleAttempts, retry.attempts);
  for (let attempt = 0; attempt < passes; attempt += 1) {
    if (attempt > 0) await retry.pause(attempt);
    // A section left without any live date drops out of the catalog (and the OPML); re-checked on
    // every pass, from the freshest section windows, so a racing publish that gave it a date again
    // puts it back.
    const repaired = await repairCatalog(deps, latest, pass.writes);
    if (repaired !== undefined) {
      latest.set(allSectionsSlug, repaired);
      rendered = new Map(rendered).set(allSectionsSlug, repaired);
    }
    await renderFromWindows(pass, rendered);
    const moved = await movedWindows(deps, affected, latest);
    const calendarMoved = await pass.calendars.moved();
    if (calendarMoved) {
      for (const [slug, window] of await revalidateWindows(deps, affected, pass.writes)) {
        latest.set(slug, window);
        moved.set(slug, window);
      }
    }
    const elsewhere = calendarMoved || (await pass.issues.moved());
    if (moved.size === 0 && !elsewhere) return latest;
    rendered = elsewhere ? new Map(latest) : moved;
  }
  throw new StorageError(`feeds of ${pass.date} kept changing while they were written`);
};
