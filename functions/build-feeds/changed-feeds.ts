import { allSectionsSlug, feedFileNames } from '../../shared/site-layout.ts';

/**
 * Which feeds a publish changed, read from the site keys it wrote or deleted (`PublishOutcome`'s
 * `written`). Only subscription documents count (`feeds/<slug>/{rss.xml,atom.xml,feed.json}`):
 * an archive's change is visible through its feed's subscription document.
 *
 * TODO(lead): replace `subscriptionSlugOf` with the site map's key parser (`parseSiteKey`,
 * branch site-map) once it is merged; it is the only key parsing in this file.
 */

const subscriptionFiles = new Set(Object.values(feedFileNames));

/** The feed slug of a subscription document's key; undefined for every other key. */
const subscriptionSlugOf = (key: string): string | undefined => {
  const parts = key.split('/');
  if (parts.length !== 3 || parts[0] !== 'feeds') return undefined;
  const [, slug, file] = parts;
  return slug !== undefined && slug !== '' && file !== undefined && subscriptionFiles.has(file)
    ? slug
    : undefined;
};

/** The order feeds are named in: the all-sections feed first, then sections alphabetically. */
export const feedOrder = (a: string, b: string) =>
  a === allSectionsSlug ? -1 : b === allSectionsSlug ? 1 : a < b ? -1 : a > b ? 1 : 0;

/** Slugs of the feeds whose subscription documents are among `written`, each once, in `feedOrder`. */
export const changedFeedSlugs = (written: readonly string[]): string[] => {
  const slugs = new Set<string>();
  for (const key of written) {
    const slug = subscriptionSlugOf(key);
    if (slug !== undefined) slugs.add(slug);
  }
  return [...slugs].sort(feedOrder);
};
