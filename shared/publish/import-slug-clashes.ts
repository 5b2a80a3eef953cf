import type { PublishedIssue } from '../model/published.ts';
import { type CalendarDoc, filterIssue, isLivePage, sectionSlugsOf } from './site-state.ts';
import { slugClashWarning } from './slug-clash-warning.ts';

/** Insert into an ascending array (no duplicates). */
const insertSorted = (sorted: string[], value: string) => {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! < value) low = mid + 1;
    else high = mid;
  }
  if (sorted[low] !== value) sorted.splice(low, 0, value);
};

const removeSorted = (sorted: string[], value: string) => {
  const at = sorted.indexOf(value);
  if (at >= 0) sorted.splice(at, 1);
};

/** The 版名 of a slug's live pages in an issue (what a window issue contributes to a clash). */
const liveSectionsOf = (issue: PublishedIssue | undefined, slug: string): string[] => {
  const part = issue === undefined ? undefined : filterIssue(issue, slug);
  return [...new Set((part?.pages ?? []).filter(isLivePage).map((p) => p.section))];
};

/**
 * The import's view of the section windows publishing would hold after each upload — a slug's
 * newest `windowIssues` dates with live pages — kept as dates and 版名 only, so the import reports
 * the slug clashes publishing the same uploads in order would report (test/publish/import-*.test.ts).
 *
 * @param calendars the site's calendars before the import (every live date of every slug)
 * @param readIssue the issue of a date as it now is, for dates the import has not touched
 */
export const createSlugClashTracker = (
  windowIssues: number,
  calendars: readonly CalendarDoc[],
  readIssue: (date: string) => Promise<PublishedIssue | undefined>,
) => {
  const liveDates = new Map<string, string[]>();
  const slugsOfDate = new Map<string, string[]>();
  /** date → slug → 版名, for dates known here (the rest is read once when a window needs it). */
  const sections = new Map<string, Map<string, string[]>>();
  const datesOf = (slug: string) => {
    let dates = liveDates.get(slug);
    if (dates === undefined) {
      dates = [];
      liveDates.set(slug, dates);
    }
    return dates;
  };
  for (const calendar of calendars)
    for (const [date, slugs] of Object.entries(calendar.dates)) {
      slugsOfDate.set(date, slugs);
      for (const slug of slugs) insertSorted(datesOf(slug), date);
    }

  const sectionsOn = async (date: string, slug: string) => {
    let bySlug = sections.get(date);
    if (bySlug === undefined) {
      const issue = await readIssue(date);
      bySlug = new Map(sectionSlugsOf(issue).map((s) => [s, liveSectionsOf(issue, s)]));
      sections.set(date, bySlug);
    }
    return bySlug.get(slug) ?? [];
  };

  return {
    /** The issue of `date` as it now is (after a merge, a retraction, a correction). */
    update(date: string, issue: PublishedIssue | undefined) {
      const slugs = sectionSlugsOf(issue);
      for (const slug of slugsOfDate.get(date) ?? [])
        if (!slugs.includes(slug)) removeSorted(datesOf(slug), date);
      for (const slug of slugs) insertSorted(datesOf(slug), date);
      slugsOfDate.set(date, slugs);
      sections.set(date, new Map(slugs.map((s) => [s, liveSectionsOf(issue, s)])));
    },

    /** Publishing's slug-clash warnings for the live pages `key` fed into `issue` (after `update`). */
    async warnings(issue: PublishedIssue | undefined, key: string): Promise<string[]> {
      const warnings: string[] = [];
      for (const page of issue?.pages ?? []) {
        if (page.source !== key || !isLivePage(page)) continue;
        const window = datesOf(page.sectionSlug).slice(-windowIssues);
        const others = new Set<string>();
        for (const date of window)
          for (const section of await sectionsOn(date, page.sectionSlug))
            if (section !== page.section) others.add(section);
        warnings.push(...slugClashWarning(page, others));
      }
      return warnings;
    },
  };
};
