import { configFingerprint } from '../config.ts';
import type { PublishedIssue } from '../model/published.ts';
import {
  allSectionsSlug,
  calendarKey,
  issueKey,
  keyOfKind,
  objectPolicy,
  windowKey,
} from '../site-layout.ts';
import { writeRootFiles } from '../sitemaps/write-sitemaps.ts';
import { type CalendarReads, calendarNeighbour } from './calendars.ts';
import { canonicalJson } from './canonical-json.ts';
import { type PublishDeps, retryOf } from './publish-types.ts';
import { writeSiteConfigRecord } from './site-config-record.ts';
import {
  applyToWindow,
  type CalendarDoc,
  catalogWith,
  decodeWindow,
  encodeWindow,
  filterIssue,
  hasLiveArticles,
  type RawIssues,
  sectionNameOf,
  type WindowDoc,
  withOlderDate,
} from './site-state.ts';
import {
  readJson,
  updateVersioned,
  updateVersionedAll,
  type Versioned,
  type VersionedDocument,
  type WriteLog,
} from './store-io.ts';

/**
 * Window documents (`state/windows/<slug>.json`): each feed's newest issues, what its
 * subscription documents and neighbour links are rendered from. Only ever written conditionally.
 */

/** A window as a propagation holds it; `catalogChanged`: this publish changed the `all` catalog. */
export type WindowState = Versioned<WindowDoc> & { catalogChanged?: boolean };

/** A window document; unchanged issues are written back as the very bytes the attempt read. */
const windowDocument = (slug: string): VersionedDocument<WindowDoc> => ({
  key: windowKey(slug),
  format: () => {
    const raw: RawIssues = new WeakMap();
    return { decode: (bytes) => decodeWindow(bytes, raw), encode: (doc) => encodeWindow(doc, raw) };
  },
  options: objectPolicy({ kind: 'window', slug }),
});

const slugOf = (key: string) => keyOfKind(key, 'window')!.slug;

/**
 * Update the window documents of the affected slugs. Each attempt reads the windows FIRST and
 * the issue document after, so whatever a window ends up holding is at least as new as what any
 * earlier successful window write held (docs/publishing.md, concurrency).
 */
export const updateWindows = async (
  deps: PublishDeps,
  date: string,
  slugs: readonly string[],
  calendars: CalendarReads,
  writes: WriteLog,
): Promise<Map<string, WindowState & { catalogChanged: boolean }>> => {
  const { site, config } = deps;
  const fingerprint = configFingerprint(config);
  const updates = await updateVersionedAll<WindowDoc, PublishedIssue | undefined>(
    site,
    slugs.map(windowDocument),
    (current, key, issue) => nextWindow(deps, date, slugOf(key), current?.value, issue, calendars),
    {
      writes,
      retry: retryOf(deps),
      context: async () => (await readJson<PublishedIssue>(site, issueKey(date)))?.value,
      // The record before the window that vouches for it: a fault in between leaves the old
      // fingerprint, so the retry records the config again.
      beforeWrite: async (_, current, key) => {
        if (key !== windowKey(allSectionsSlug) || current?.value.siteConfig === fingerprint) return;
        await writeSiteConfigRecord(site, config, writes);
        await writeRootFiles(site, config, writes);
      },
    },
  );
  const result = new Map<string, WindowState & { catalogChanged: boolean }>();
  for (const slug of slugs) {
    const { before, after, outcome } = updates.get(windowKey(slug))!;
    const catalogChanged =
      outcome === 'written' &&
      canonicalJson(after!.value.catalog ?? {}) !== canonicalJson(before?.value.catalog ?? {});
    result.set(slug, { ...after!, catalogChanged });
  }
  return result;
};

/** The window of `slug` with this date's issue (`issue`, read after the window) applied. */
const nextWindow = async (
  deps: PublishDeps,
  date: string,
  slug: string,
  current: WindowDoc | undefined,
  issue: PublishedIssue | undefined,
  calendars: CalendarReads,
): Promise<WindowDoc> => {
  const { site, config } = deps;
  const filtered = issue === undefined ? undefined : filterIssue(issue, slug);
  let update = applyToWindow(current, slug, date, filtered, config.windowIssues);
  if (update.missing.length > 0) {
    // A date moved up from the spare slot (this date left the section): read its issue.
    const known = new Map<string, PublishedIssue>();
    for (const d of update.missing) {
      const other = (await readJson<PublishedIssue>(site, issueKey(d)))?.value;
      const part = other === undefined ? undefined : filterIssue(other, slug);
      if (hasLiveArticles(part)) known.set(d, part);
    }
    update = applyToWindow(current, slug, date, filtered, config.windowIssues, known);
    // A date that moved up has no live article here any more (its slot came from a calendar
    // a concurrent removal has changed since): take the window's dates from the calendars.
    if (update.missing.some((d) => !known.has(d))) {
      const repaired = await windowFromCalendars(deps, update.doc);
      if (repaired !== undefined) update = { ...update, doc: repaired, needsOlder: false };
    }
  }
  let doc: WindowDoc =
    slug === allSectionsSlug ? { ...update.doc, siteConfig: configFingerprint(config) } : update.doc;
  if (update.needsOlder && doc.dates.length > 0) {
    const oldest = doc.dates[doc.dates.length - 1]!;
    // The window just lost a date, so it cannot vouch for holding every older one.
    doc = withOlderDate(
      doc,
      await calendarNeighbour('previous', doc, oldest, calendars),
      config.windowIssues,
    );
  }
  return doc;
};

/**
 * Read-modify-write of one window document. `change` returns undefined when the window needs
 * nothing. Returns the window as it stands afterwards and whether this call wrote it; undefined
 * when there is no window.
 */
const rewriteWindow = async (
  deps: PublishDeps,
  slug: string,
  change: (current: WindowDoc) => WindowDoc | undefined | Promise<WindowDoc | undefined>,
  writes: WriteLog,
): Promise<(Versioned<WindowDoc> & { changed: boolean }) | undefined> => {
  const { after, outcome } = await updateVersioned(
    deps.site,
    windowDocument(slug),
    (current) => (current === undefined ? undefined : change(current.value)),
    { writes, retry: retryOf(deps) },
  );
  return after === undefined ? undefined : { ...after, changed: outcome === 'written' };
};

/**
 * The window's dates made to agree with the calendars, read fresh AFTER the window (so a date a
 * concurrent publish adds to a calendar later also reaches the window later, through that
 * publish's own window update, which our conditional write makes it re-read): the slug's newest
 * `windowIssues` live dates plus the predecessor slot. Issues the window holds are kept; a date
 * new to it is read, and skipped when its issue has no live article here (a removal whose
 * calendar update is still to come). Undefined when the window already agrees.
 *
 * Needed because a window's predecessor slot is taken from a calendar when the window loses a
 * date, and a concurrent removal can take that date out of the slug between the calendar read
 * and the window write; once the slot moves up into the window (other dates leaving) it would be
 * an issue without live articles, and the archives around it would link to a date that has none.
 */
const windowFromCalendars = async (deps: PublishDeps, doc: WindowDoc): Promise<WindowDoc | undefined> => {
  const { site } = deps;
  const { windowIssues } = deps.config;
  const byDate = new Map(doc.issues.map((issue) => [issue.date, issue]));
  const dates: string[] = [];
  const issues: PublishedIssue[] = [];
  for (const year of [...doc.years].sort().reverse()) {
    if (dates.length > windowIssues) break;
    const calendar = (await readJson<CalendarDoc>(site, calendarKey(year)))?.value;
    const candidates = Object.keys(calendar?.dates ?? {})
      .filter((d) => doc.slug === allSectionsSlug || calendar!.dates[d]!.includes(doc.slug))
      .sort()
      .reverse();
    for (const d of candidates) {
      if (dates.length > windowIssues) break;
      if (dates.length === windowIssues) {
        dates.push(d); // the predecessor slot: a date, no issue
        break;
      }
      let issue = byDate.get(d);
      if (issue === undefined) {
        const found = (await readJson<PublishedIssue>(site, issueKey(d)))?.value;
        const part = found === undefined ? undefined : filterIssue(found, doc.slug);
        if (!hasLiveArticles(part)) continue;
        issue = part;
      }
      dates.push(d);
      issues.push(issue);
    }
  }
  if (dates.join() === doc.dates.join()) return undefined;
  // Titled after its newest issue, as applyToWindow titles it.
  const section =
    doc.slug === allSectionsSlug ? undefined : (sectionNameOf(issues[0], doc.slug) ?? doc.section);
  return { ...doc, section, dates, issues };
};

/**
 * Once a consulted calendar moved, every affected window is checked against the fresh calendars
 * (`windowFromCalendars`) and rewritten conditionally where it disagrees. Returns those rewritten.
 */
export const revalidateWindows = async (
  deps: PublishDeps,
  slugs: readonly string[],
  writes: WriteLog,
): Promise<Map<string, Versioned<WindowDoc>>> => {
  const fixed = new Map<string, Versioned<WindowDoc>>();
  for (const slug of slugs) {
    const result = await rewriteWindow(deps, slug, (current) => windowFromCalendars(deps, current), writes);
    if (result?.changed) fixed.set(slug, { value: result.value, etag: result.etag, bytes: result.bytes });
  }
  return fixed;
};

/**
 * Make the `all` window's section catalog agree with the section windows at hand (`catalogWith`):
 * nothing is read or written when it already does, which is every publish that does not empty a
 * section. Otherwise a conditional write of the `all` window, re-read on conflict.
 */
export const repairCatalog = async (
  deps: PublishDeps,
  windows: ReadonlyMap<string, Versioned<WindowDoc>>,
  writes: WriteLog,
): Promise<(Versioned<WindowDoc> & { catalogChanged: boolean }) | undefined> => {
  const all = windows.get(allSectionsSlug);
  const sections = [...windows.values()].map((w) => w.value);
  if (all === undefined || catalogWith(all.value.catalog, sections) === undefined) return undefined;
  const result = await rewriteWindow(
    deps,
    allSectionsSlug,
    (current) => {
      const catalog = catalogWith(current.catalog, sections);
      return catalog === undefined ? undefined : { ...current, catalog };
    },
    writes,
  );
  if (result === undefined) return undefined;
  const { changed, ...window } = result;
  return { ...window, catalogChanged: changed };
};

/**
 * The windows of `slugs` that moved since `latest` holds them (ETags compared first; only a
 * window that moved is parsed again). `latest` is brought up to date.
 */
export const movedWindows = async (
  deps: PublishDeps,
  slugs: readonly string[],
  latest: Map<string, Versioned<WindowDoc>>,
): Promise<Map<string, Versioned<WindowDoc>>> => {
  const fresh = await Promise.all(slugs.map((slug) => deps.site.get(windowKey(slug))));
  const moved = new Map<string, Versioned<WindowDoc>>();
  fresh.forEach((doc, i) => {
    const slug = slugs[i]!;
    if (doc !== undefined && doc.etag !== latest.get(slug)?.etag) {
      const window = { value: decodeWindow(doc.body), etag: doc.etag, bytes: doc.body };
      moved.set(slug, window);
      latest.set(slug, window);
    }
  });
  return moved;
};
