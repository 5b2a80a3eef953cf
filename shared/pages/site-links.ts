import type { SiteConfig } from '../config.ts';
import {
  allSectionsSlug,
  type FeedFormat,
  feedContentTypes,
  feedKey,
  opmlKey,
  siteFileUrl,
} from '../site-layout.ts';

/** One subscription document of a feed, as pages link to it. */
export interface FeedLink {
  format: FeedFormat;
  href: string;
  /** MIME type without parameters, as autodiscovery expects in `<link type>`. */
  type: string;
  /** Human label of the format. */
  label: string;
}

const formats: FeedFormat[] = ['rss', 'atom', 'json'];
const formatLabels: Record<FeedFormat, string> = { rss: 'RSS', atom: 'Atom', json: 'JSON Feed' };

/** The three documents (RSS, Atom, JSON Feed) of the feed with this slug. */
export const feedLinks = (config: SiteConfig, slug: string): FeedLink[] =>
  formats.map((format) => ({
    format,
    href: siteFileUrl(config.siteUrl, feedKey(slug, format)),
    type: feedContentTypes[format].split(';')[0]!,
    label: formatLabels[format],
  }));

/** The all-sections feed's documents. */
export const allSectionsFeedLinks = (config: SiteConfig) => feedLinks(config, allSectionsSlug);

/** The OPML list of every feed. */
export const opmlUrl = (config: SiteConfig) => siteFileUrl(config.siteUrl, opmlKey);

/** The home page. */
export const homeUrl = (config: SiteConfig) => `${config.siteUrl}/`;
