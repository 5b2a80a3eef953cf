import type { PublishedIssue, PublishedPage } from '../model/published.ts';
import { allSectionsSlug } from '../site-layout.ts';

import { canonicalJsonBytes } from './canonical-json.ts';

/**
 * State documents under `state/` that make publishing incremental: a publish reads a fixed set
 * of small documents instead of listing or reading the archive, so its cost does not grow with
 * the archive (docs/publishing.md).
 *
 *   state/windows/<slug>.json   per feed slug: the newest `windowIssues + 1` dates having that
 *                               section, the issues (filtered to the section) of the newest
 *                               `windowIssues` of them, the years it appears in; the `all` window
 *                               also holds the section catalog (slug → 版名) for the OPML
 *   state/calendar/<yyyy>.json  date → slugs present that day: neighbour lookups beyond a window
 *   state/uploads/<key>.json    the dates an upload key published into: what to retract on delete
 *
 * Their keys and storage policies are the site map's (shared/site-layout.ts).
 */

/**
 * The inputs of one feed set: everything its subscription documents render from, in one read.
 * Stored as lines (see `encodeWindow`), not as one JSON document.
 */
export interface WindowDoc {
  schemaVersion: 2;
  slug: string;
  /** 版名 of a section feed; absent for `all`. */
  section?: string;
  /** Newest first; `windowIssues + 1` at most (the extra one is the oldest window issue's predecessor). */
  dates: string[];
  /** The issues of `dates[0 .. windowIssues-1]`, same order, filtered to the slug's pages. */
  issues: PublishedIssue[];
  /**
   * Issues (filtered to the slug) of dates whose articles here are all retracted: no longer a
   * date of the feed, but kept, newest first, while fewer than `windowIssues` dates (live or
   * kept like this) are newer, so the Atom document carries their tombstones (RFC 6721) as long
   * as their entries would have stayed in it. Absent when empty.
   */
  tombstones?: PublishedIssue[];
  /** Years in which the slug has (or had) an issue, ascending. */
  years: string[];
  /** Only in the `all` window: every section ever seen, slug → 版名. */
  catalog?: Record<string, string>;
  /**
   * Only in the `all` window: fingerprint of the site config it was written with
   * (site-config-record.ts). A publish that finds another one records its config first.
   */
  siteConfig?: string;
}

/** Stored bytes of window issues as read, by issue object (see `encodeWindow`). */
export type RawIssues = WeakMap<PublishedIssue, Uint8Array>;

/**
 * A window document as stored: line 1 is the canonical JSON of everything but the issues, then
 * one line of canonical JSON per issue (canonical JSON has no raw newline, and no UTF-8
 * sequence contains the newline byte, so lines split on bytes). Why not one JSON document: a
 * publish changes one issue of a window and keeps the others, so the others' lines are written
 * back as the bytes that were read (`raw`, filled by `decodeWindow`) instead of being serialised
 * and encoded again — profiled, that re-serialisation was a large share of what a full window
 * costs a publish.
 */
export const encodeWindow = (doc: WindowDoc, raw?: RawIssues): Uint8Array => {
  const { issues, tombstones = [], ...header } = doc;
  // Tombstone issues follow the live ones; the header lists their dates, so a reader knows how
  // many of the last lines they are (no field at all when there are none).
  const parts = [
    canonicalJsonBytes(
      tombstones.length === 0 ? header : { ...header, tombstoneDates: tombstones.map((i) => i.date) },
    ),
  ];
  for (const issue of [...issues, ...tombstones]) parts.push(raw?.get(issue) ?? canonicalJsonBytes(issue));
  return Buffer.concat(parts);
};

const decoder = new TextDecoder();

/**
 * Read a stored window document; records each issue's line in `raw`. A document in the first
 * form (one JSON document, `schemaVersion: 1`) is read as well and written in lines next time.
 */
export const decodeWindow = (bytes: Uint8Array, raw?: RawIssues): WindowDoc => {
  const lines: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; ) {
    const end = bytes.indexOf(0x0a, start);
    const stop = end < 0 ? bytes.length : end + 1;
    lines.push(bytes.subarray(start, stop));
    start = stop;
  }
  const { tombstoneDates, ...header } = JSON.parse(decoder.decode(lines[0])) as Omit<
    WindowDoc,
    'schemaVersion' | 'issues' | 'tombstones'
  > & {
    schemaVersion: 1 | 2;
    issues?: PublishedIssue[];
    tombstoneDates?: string[];
  };
  if (header.schemaVersion === 1) return { ...header, schemaVersion: 2, issues: header.issues ?? [] };
  const parsed = lines.slice(1).map((line) => {
    const issue = JSON.parse(decoder.decode(line)) as PublishedIssue;
    raw?.set(issue, line);
    return issue;
  });
  const live = parsed.length - (tombstoneDates?.length ?? 0);
  const doc: WindowDoc = { ...header, schemaVersion: 2, issues: parsed.slice(0, live) };
  if (live < parsed.length) doc.tombstones = parsed.slice(live);
  return doc;
};

export interface CalendarDoc {
  schemaVersion: 1;
  year: string;
  /** date → slugs of the sections that day (sorted), excluding `all`. */
  dates: Record<string, string[]>;
  /**
   * date → slugs the date left (a page moved to another 版名, or its articles all retracted)
   * whose feeds a publish has not finished yet: a retry after a fault finds the issue document
   * already committed and could not tell otherwise. Cleared by the publish that finished them.
   */
  departed?: Record<string, string[]>;
  /**
   * Dates of the year that have a media state (`state/media/<date>.json`: a photo or facsimile
   * was uploaded), ascending. A text publish reads a date's media state only when its issue has
   * media or the date is listed here (docs/photos.md, ingestion): the calendar is read by every
   * publish anyway, so a date without pictures costs no extra request.
   */
  media?: string[];
}

export interface UploadIndexDoc {
  schemaVersion: 1;
  key: string;
  /** Issue dates this upload key has published into, ascending. */
  dates: string[];
}

/** True when any article of the page is still published (not retracted). */
export const isLivePage = (page: PublishedPage): boolean =>
  page.articles.some((a) => a.status === 'published');

/** True when any article of the issue (or part of one) is still published (not retracted). */
export const hasLiveArticles = (issue: PublishedIssue | undefined): issue is PublishedIssue =>
  issue?.pages.some(isLivePage) ?? false;

/**
 * Section slugs the issue publishes: those of pages with at least one live article, sorted,
 * unique (`all` not included). A section whose articles that day are all retracted is absent
 * from that date: no calendar entry, no window date, no archive (docs/publishing.md).
 */
export const sectionSlugsOf = (issue: PublishedIssue | undefined): string[] =>
  issue === undefined ? [] : [...new Set(issue.pages.filter(isLivePage).map((p) => p.sectionSlug))].sort();

/** Section slugs of every page of the issue, retracted ones included. */
export const pageSlugsOf = (issue: PublishedIssue | undefined): string[] =>
  issue === undefined ? [] : [...new Set(issue.pages.map((p) => p.sectionSlug))].sort();

/** The issue as one feed set sees it: `all` sees every page, a section only its own. */
export const filterIssue = (issue: PublishedIssue, slug: string): PublishedIssue | undefined => {
  if (slug === allSectionsSlug) return issue;
  const pages = issue.pages.filter((p) => p.sectionSlug === slug);
  return pages.length === 0 ? undefined : { ...issue, pages };
};

/** The 版名 a slug stands for in an issue (first page in page order). */
export const sectionNameOf = (issue: PublishedIssue | undefined, slug: string) =>
  issue?.pages.find((p) => p.sectionSlug === slug)?.section;

export interface WindowUpdate {
  doc: WindowDoc;
  /** Window dates whose issue is not at hand (after a date left the window); the caller reads them. */
  missing: string[];
  /** True when the window lost a date and its predecessor slot must be looked up again. */
  needsOlder: boolean;
}

/**
 * Put the issue of `date` (filtered to the slug, or undefined when the date no longer has the
 * slug) into a window. A part without live articles makes the date absent from the feed, and
 * keeps it as tombstones (`WindowDoc.tombstones`). `known` supplies issues for dates that move
 * into the window from the spare slot (the caller reads them when reported `missing`).
 */
export const applyToWindow = (
  current: WindowDoc | undefined,
  slug: string,
  date: string,
  filtered: PublishedIssue | undefined,
  windowIssues: number,
  known: ReadonlyMap<string, PublishedIssue> = new Map(),
): WindowUpdate => {
  const live = hasLiveArticles(filtered);
  const previousDates = current?.dates ?? [];
  const dates = new Set(previousDates);
  if (!live) dates.delete(date);
  else dates.add(date);
  const sorted = [...dates]
    .sort()
    .reverse()
    .slice(0, windowIssues + 1);
  const issuesByDate = new Map((current?.issues ?? []).map((i) => [i.date, i]));
  for (const [d, issue] of known) issuesByDate.set(d, issue);
  if (!live) issuesByDate.delete(date);
  else issuesByDate.set(date, filtered!);
  const tombstonesByDate = new Map((current?.tombstones ?? []).map((i) => [i.date, i]));
  tombstonesByDate.delete(date);
  if (filtered !== undefined && !live) tombstonesByDate.set(date, filtered);
  // A tombstone stays while its date would still be in the window: fewer than `windowIssues`
  // dates newer than it, counting live dates and the tombstones kept.
  const slots = [...new Set([...sorted, ...tombstonesByDate.keys()])].sort().reverse();
  const tombstones = [...tombstonesByDate.values()]
    .filter((t) => slots.indexOf(t.date) < windowIssues)
    .sort((a, b) => (a.date < b.date ? 1 : -1));
  const windowDates = sorted.slice(0, windowIssues);
  const missing = windowDates.filter((d) => !issuesByDate.has(d));
  const issues = windowDates.flatMap((d) => {
    const issue = issuesByDate.get(d);
    return issue === undefined ? [] : [issue];
  });
  const years = new Set(current?.years ?? []);
  // A date that is only tombstones was live once (uploads publish live articles): its year stays,
  // as it does after a publish, so publish and rebuild agree.
  if (filtered !== undefined) years.add(date.slice(0, 4));
  // The feed is titled after its newest issue's 版名 (a section renamed, or a homophone
  // separated by sectionSlugs, leaves the title with the section that now fills the feed).
  const section =
    slug === allSectionsSlug
      ? undefined
      : (sectionNameOf(issues[0], slug) ?? sectionNameOf(filtered, slug) ?? current?.section);
  let catalog = current?.catalog;
  if (slug === allSectionsSlug && live) {
    catalog = { ...current?.catalog };
    for (const slugLive of sectionSlugsOf(filtered)) catalog[slugLive] ??= sectionNameOf(filtered, slugLive)!;
  }
  const doc: WindowDoc = {
    schemaVersion: 2,
    slug,
    section,
    dates: sorted,
    issues,
    years: [...years].sort(),
    catalog,
  };
  if (tombstones.length > 0) doc.tombstones = tombstones;
  return {
    doc,
    missing,
    needsOlder: !live && previousDates.includes(date) && previousDates.length > windowIssues,
  };
};

/**
 * The `all` window's section catalog made to agree with the section windows at hand: a section
 * without any live date left drops out (so the OPML no longer lists it), one with dates is
 * listed under its window's title (its newest issue's 版名). Returns undefined when nothing changes.
 */
export const catalogWith = (
  catalog: Record<string, string> | undefined,
  sections: Iterable<WindowDoc>,
): Record<string, string> | undefined => {
  const next: Record<string, string> = { ...catalog };
  let changed = false;
  for (const window of sections) {
    if (window.slug === allSectionsSlug) continue;
    if (window.dates.length === 0 && window.slug in next) {
      delete next[window.slug];
      changed = true;
    } else if (window.dates.length > 0 && next[window.slug] !== (window.section ?? window.slug)) {
      // Listed under the feed's own title: the 版名 of its newest issue.
      next[window.slug] = window.section ?? window.slug;
      changed = true;
    }
  }
  return changed ? next : undefined;
};

/** Add the spare (predecessor) date found by a calendar lookup to a window that lost one. */
export const withOlderDate = (doc: WindowDoc, older: string | undefined, windowIssues: number): WindowDoc =>
  older === undefined || doc.dates.includes(older) || doc.dates.length > windowIssues
    ? doc
    : { ...doc, dates: [...doc.dates, older].sort().reverse() };

/**
 * A window holds every date of its slug from its oldest listed date on; when it holds fewer than
 * its capacity it holds every date the slug has.
 */
const windowCoverage = (doc: WindowDoc, date: string) => {
  const full = doc.dates.length > doc.issues.length;
  const oldest = doc.dates[doc.dates.length - 1];
  return { full, inRange: !full || (oldest !== undefined && date >= oldest) };
};

/** The slug's date before `date`, when the window knows it (`known: false`: ask the calendar). */
export const windowPrevious = (doc: WindowDoc, date: string): { known: boolean; date?: string } => {
  const { full, inRange } = windowCoverage(doc, date);
  if (!inRange) return { known: false };
  const older = doc.dates.find((d) => d < date);
  if (older !== undefined) return { known: true, date: older };
  return full ? { known: false } : { known: true };
};

/** The slug's date after `date`, when the window knows it (`known: false`: ask the calendar). */
export const windowNext = (doc: WindowDoc, date: string): { known: boolean; date?: string } => {
  if (!windowCoverage(doc, date).inRange) return { known: false };
  const newer = doc.dates.filter((d) => d > date);
  return { known: true, date: newer[newer.length - 1] };
};

/** Record the slugs of a date in its year's calendar (no slugs: the date is removed). */
export const setCalendarDate = (
  current: CalendarDoc | undefined,
  date: string,
  slugs: readonly string[],
): CalendarDoc => {
  const dates: Record<string, string[]> = { ...current?.dates };
  if (slugs.length === 0) delete dates[date];
  else dates[date] = [...slugs].sort();
  const sorted: Record<string, string[]> = {};
  for (const d of Object.keys(dates).sort()) sorted[d] = dates[d]!;
  const doc: CalendarDoc = { schemaVersion: 1, year: date.slice(0, 4), dates: sorted };
  return current?.media === undefined ? doc : { ...doc, media: current.media };
};

/** The calendar with `date` listed among its media dates; undefined when it is already. */
export const withMediaDate = (current: CalendarDoc | undefined, date: string): CalendarDoc | undefined => {
  if (current?.media?.includes(date)) return undefined;
  const doc = current ?? setCalendarDate(undefined, date, []);
  return { ...doc, media: [...(doc.media ?? []), date].sort() };
};

/**
 * Record the slugs of a date and remember the slugs it left (see `CalendarDoc.departed`) until
 * {@link clearDeparted}: a slug that comes back is no longer departed.
 */
export const setCalendarDateTracked = (
  current: CalendarDoc | undefined,
  date: string,
  slugs: readonly string[],
): CalendarDoc => {
  const doc = setCalendarDate(current, date, slugs);
  const left = new Set([...(current?.departed?.[date] ?? []), ...(current?.dates[date] ?? [])]);
  for (const slug of slugs) left.delete(slug);
  return withDeparted(doc, current?.departed, date, [...left]);
};

/** Forget the departed slugs a publish finished. */
export const clearDeparted = (
  current: CalendarDoc | undefined,
  date: string,
  finished: readonly string[],
): CalendarDoc | undefined => {
  if (current?.departed?.[date] === undefined) return undefined;
  const left = current.departed[date]!.filter((slug) => !finished.includes(slug));
  return withDeparted(current, current.departed, date, left);
};

const withDeparted = (
  doc: CalendarDoc,
  departed: Record<string, string[]> | undefined,
  date: string,
  slugs: readonly string[],
): CalendarDoc => {
  const next: Record<string, string[]> = { ...departed };
  if (slugs.length === 0) delete next[date];
  else next[date] = [...slugs].sort();
  const { departed: _, ...rest } = doc;
  const dates = Object.keys(next).sort();
  // No field at all when nothing is pending, so calendars stay byte-identical to a rebuild's.
  return dates.length === 0
    ? rest
    : { ...rest, departed: Object.fromEntries(dates.map((d) => [d, next[d]!])) };
};

/** Latest date before `date` in a calendar that has the slug (`all`: any date). */
export const calendarPrevious = (doc: CalendarDoc | undefined, slug: string, date: string) =>
  Object.keys(doc?.dates ?? {})
    .filter((d) => d < date && (slug === allSectionsSlug || doc!.dates[d]!.includes(slug)))
    .pop();

/** Earliest date after `date` in a calendar that has the slug (`all`: any date). */
export const calendarNext = (doc: CalendarDoc | undefined, slug: string, date: string) =>
  Object.keys(doc?.dates ?? {}).find(
    (d) => d > date && (slug === allSectionsSlug || doc!.dates[d]!.includes(slug)),
  );

/** Add a date to an upload key's index. */
export const addUploadDate = (
  current: UploadIndexDoc | undefined,
  key: string,
  date: string,
): UploadIndexDoc => ({
  schemaVersion: 1,
  key,
  dates: [...new Set([...(current?.dates ?? []), date])].sort(),
});
