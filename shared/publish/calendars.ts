import type { PublishedIssue } from '../model/published.ts';
import { calendarKey, issueKey, objectPolicy, type SiteKey, siteKey } from '../site-layout.ts';
import { parseJsonBytes } from './canonical-json.ts';
import { type PublishDeps, retryOf } from './publish-types.ts';
import { ReadSet } from './read-set.ts';
import {
  type CalendarDoc,
  calendarNext,
  calendarPrevious,
  clearDeparted,
  sectionSlugsOf,
  setCalendarDateTracked,
  type WindowDoc,
  windowNext,
  windowPrevious,
  withMediaDate,
} from './site-state.ts';
import { readJson, updateJson, type WriteLog } from './store-io.ts';

/**
 * Year calendars (`state/calendar/<yyyy>.json`): which sections each date has, for neighbour
 * lookups beyond a window, and which sections a date left that a publish has still to finish.
 */

/** The calendar of a date's year. */
const calendarOf = (date: string): SiteKey => ({ kind: 'calendar', year: date.slice(0, 4) });

/**
 * Record the date's sections in its year's calendar, remembering those it left (`departed`)
 * until its feeds are finished. The sections come from the issue as read after the calendar: a
 * concurrent publish of another page of this date may have added a section since this one
 * committed.
 */
export const updateCalendar = (deps: PublishDeps, date: string, writes: WriteLog) =>
  updateJson<CalendarDoc>(
    deps.site,
    siteKey(calendarOf(date)),
    async (current) =>
      setCalendarDateTracked(
        current,
        date,
        sectionSlugsOf((await readJson<PublishedIssue>(deps.site, issueKey(date)))?.value),
      ),
    objectPolicy(calendarOf(date)),
    writes,
    retryOf(deps),
  );

/**
 * List the date among its year's media dates (a photo or facsimile was uploaded for it), so the
 * text publish that creates the date's issue knows to attach them (publish-media.ts).
 */
export const listMediaDate = (deps: PublishDeps, date: string, writes: WriteLog) =>
  updateJson<CalendarDoc>(
    deps.site,
    siteKey(calendarOf(date)),
    (current) => withMediaDate(current, date),
    objectPolicy(calendarOf(date)),
    writes,
    retryOf(deps),
  );

/** Forget the departed sections of a date once its feeds are finished. */
export const clearFinished = async (
  deps: PublishDeps,
  date: string,
  departed: readonly string[],
  writes: WriteLog,
) => {
  if (departed.length === 0) return;
  await updateJson<CalendarDoc>(
    deps.site,
    siteKey(calendarOf(date)),
    (current) => clearDeparted(current, date, departed),
    objectPolicy(calendarOf(date)),
    writes,
    retryOf(deps),
  );
};

/** The calendars one propagation consults, by year, each re-checked by its settle loop. */
export type CalendarReads = ReadSet<CalendarDoc>;

/** Calendar reads for a propagation that already holds its date's year calendar. */
export const calendarReads = (
  deps: PublishDeps,
  year: string,
  known: { doc: CalendarDoc | undefined; etag: string | undefined },
): CalendarReads => {
  const reads = new ReadSet(deps.site, calendarKey, parseJsonBytes<CalendarDoc>);
  reads.seed(year, known.doc, known.etag);
  return reads;
};

/**
 * The slug's date before/after `date`: from the window when it knows, else from the calendar of
 * the date's year, then of the nearest earlier/later year the slug appears in (at most two reads).
 */
export const neighbour = async (
  direction: 'previous' | 'next',
  window: WindowDoc,
  date: string,
  calendars: CalendarReads,
): Promise<string | undefined> => {
  const fromWindow = direction === 'previous' ? windowPrevious(window, date) : windowNext(window, date);
  if (fromWindow.known) return fromWindow.date;
  return calendarNeighbour(direction, window, date, calendars);
};

/** The neighbour from the calendars alone: the date's year, then the slug's other years in order. */
export const calendarNeighbour = async (
  direction: 'previous' | 'next',
  window: WindowDoc,
  date: string,
  calendars: CalendarReads,
): Promise<string | undefined> => {
  const year = date.slice(0, 4);
  const find = direction === 'previous' ? calendarPrevious : calendarNext;
  const sameYear = find(await calendars.get(year), window.slug, date);
  if (sameYear !== undefined) return sameYear;
  const years = window.years.filter((y) => (direction === 'previous' ? y < year : y > year));
  const ordered = direction === 'previous' ? years.reverse() : years;
  for (const y of ordered) {
    const found = find(await calendars.get(y), window.slug, date);
    if (found !== undefined) return found;
  }
  return undefined;
};
