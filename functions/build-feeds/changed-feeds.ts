import { allSectionsSlug, parseSiteKey } from '../../shared/site-layout.ts';

/**
 * Which feeds a publish changed, read from the site keys it wrote or deleted (`PublishOutcome`'s
 * `written`). Only subscription documents count (`feeds/<slug>/{rss.xml,atom.xml,feed.json}`):
 * an archive's change is visible through its feed's subscription document.
 */

/** The order feeds are named in: the all-sections feed first, then sections alphabetically. */
export const feedOrder = (a: string, b: string) =>
  a === allSectionsSlug ? -1 : b === allSectionsSlug ? 1 : a < b ? -1 : a > b ? 1 : 0;

/** Slugs of the feeds whose subscription documents are among `written`, each once, in `feedOrder`. */
export const changedFeedSlugs = (written: readonly string[]): string[] => {
  const slugs = new Set<string>();
  for (const key of written) {
    const parsed = parseSiteKey(key);
    if (parsed?.kind === 'feed') slugs.add(parsed.slug);
  }
  return [...slugs].sort(feedOrder);
};
