import type { SiteConfig } from '../config.ts';
import { createItemCache, type ItemCache } from '../feeds/feed-items.ts';
import type { PublishedIssue } from '../model/published.ts';
import { allSectionsSlug, issueKey } from '../site-layout.ts';
import type { Store } from '../storage/store.ts';
import { type CalendarReads, neighbour } from './calendars.ts';
import { parseJsonBytes } from './canonical-json.ts';
import { ReadSet } from './read-set.ts';
import { filterIssue, hasLiveArticles, sectionNameOf, type WindowDoc } from './site-state.ts';
import {
  deleteArchiveFeeds,
  feedSpecOf,
  writeArchiveFeeds,
  writeLatestIssue,
  writeOpml,
  writeSubscriptionFeeds,
} from './site-writers.ts';
import { settleAll, type WriteLog } from './store-io.ts';
import type { WindowState } from './windows.ts';

/**
 * What the render passes of one date's propagation share: the date and the feeds it had before,
 * everything the passes read beyond the windows (re-checked after each pass), and the archives
 * each pass wrote.
 */
export interface RenderPass {
  site: Store;
  config: SiteConfig;
  writes: WriteLog;
  date: string;
  /** The slugs the date had before this change (and those it left that are still unfinished). */
  slugsBefore: readonly string[];
  /** Calendars consulted for neighbours beyond a window. */
  calendars: CalendarReads;
  /** Issue documents read for archives beyond a window. */
  issues: ReadSet<PublishedIssue>;
  /**
   * Archive dates rendered so far, per feed: a later pass re-renders them all, not only this
   * date's current neighbours. A pass rendered from a stale window may have written a neighbour
   * that has since stopped being one (a date inserted between them), after the publish that
   * inserted it had already finished; only this publish can still correct that write.
   */
  archived: Map<string, Set<string>>;
}

export const renderPass = (
  fields: Pick<RenderPass, 'site' | 'config' | 'writes' | 'date' | 'slugsBefore' | 'calendars'>,
): RenderPass => ({
  ...fields,
  issues: new ReadSet(fields.site, issueKey, parseJsonBytes<PublishedIssue>),
  archived: new Map(),
});

/**
 * Subscription feeds; this date's archives and its neighbours' (RFC 5005 `prev-archive` and
 * `next-archive`), or, when the date left a feed, its archives deleted and its neighbours linked
 * to each other; latest; OPML. Neighbour archives are rendered on every pass, not only when the
 * chain changed: a retry after a fault (which sees the chain already changed) must still finish
 * them, and an unchanged one costs only the comparison reads.
 */
export const renderFromWindows = async (pass: RenderPass, windows: ReadonlyMap<string, WindowState>) => {
  const { site, config, writes } = pass;
  // Each article version is prepared once for all the documents of this pass: the all-sections
  // and section feeds, subscription documents and archives.
  const items = createItemCache(config);
  await settleAll([...windows.values()].map(({ value: window }) => renderFeed(pass, window, items)));

  const all = windows.get(allSectionsSlug);
  if (all !== undefined) {
    const newest = all.value.issues[0];
    if (newest !== undefined) await writeLatestIssue(site, newest, writes);
    await writeOpml(
      site,
      all.value.catalog ?? {},
      config,
      writes,
      all.catalogChanged ? 'changed' : 'unknown',
    );
  }
};

/** The issue of `d` as the window's feed sees it: from the window when it holds it (no read). */
const issueOf = async (pass: RenderPass, d: string, window: WindowDoc) => {
  const inWindow = window.issues.find((i) => i.date === d);
  if (inWindow !== undefined) return inWindow;
  const other = await pass.issues.get(d);
  return other === undefined ? undefined : filterIssue(other, window.slug);
};

/** One feed: its subscription documents, then the archives of the date and of its neighbours. */
const renderFeed = async (pass: RenderPass, window: WindowDoc, items: ItemCache) => {
  const { site, config, writes, date, slugsBefore } = pass;
  const slug = window.slug;
  const links = async (d: string) => {
    const [prevDate, nextDate] = await Promise.all([
      neighbour('previous', window, d, pass.calendars),
      neighbour('next', window, d, pass.calendars),
    ]);
    return { prevDate, nextDate };
  };
  const earlier = pass.archived.get(slug) ?? new Set<string>();
  pass.archived.set(slug, earlier);
  const archive = async (d: string, known?: { prevDate?: string; nextDate?: string }) => {
    const part = await issueOf(pass, d, window);
    // A part whose articles are all retracted is not in the feed's chain (sectionSlugsOf).
    if (!hasLiveArticles(part)) {
      // Written by an earlier pass, but the date has left this feed since: that write is stale.
      if (earlier.has(d)) await deleteArchiveFeeds(site, slug, d, writes);
      return;
    }
    earlier.add(d);
    // An archive is titled after its own date's 版名 (the subscription feed after the newest).
    const archiveSpec = feedSpecOf(slug, sectionNameOf(part, slug) ?? window.section, config);
    await writeArchiveFeeds(site, archiveSpec, part, known ?? (await links(d)), config, writes, items);
  };
  await writeSubscriptionFeeds(site, window, config, writes, items);
  // The all-sections chain has every date with a live article; a date whose articles are all
  // retracted leaves it like a section it no longer has. Whether the date is in the feed is
  // read on every pass from the window (or the issue document, re-checked by the settle
  // loop), not taken from this publish's commit: a concurrent publish may have brought the
  // date back (the same key uploaded again after its removal), and a later pass of this
  // removal must not delete the archives that publish wrote.
  const hasNow = hasLiveArticles(await issueOf(pass, date, window));
  const hadBefore = slug === allSectionsSlug ? slugsBefore.length > 0 : slugsBefore.includes(slug);
  if (!hasNow && (hadBefore || earlier.has(date))) {
    earlier.delete(date);
    await deleteArchiveFeeds(site, slug, date, writes);
  }
  if (!hasNow && !hadBefore) return;
  // Neighbours of this date in the feed's chain (as it is now, without this date if it left).
  const own = await links(date);
  const neighbours = [own.prevDate, own.nextDate].filter((d): d is string => d !== undefined);
  const again = [...earlier].filter((d) => d !== date && !neighbours.includes(d));
  await settleAll([
    hasNow ? archive(date, own) : undefined,
    ...neighbours.map((d) => archive(d)),
    ...again.map((d) => archive(d)),
  ]);
};
