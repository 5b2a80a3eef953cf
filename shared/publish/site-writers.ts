import type { SiteConfig } from '../config.ts';
import { buildArchiveFeeds, buildSubscriptionFeeds } from '../feeds/build-feeds.ts';
import { buildOpml } from '../feeds/build-opml.ts';
import type { ItemCache } from '../feeds/feed-items.ts';
import { allSectionsSpec, type FeedSpec, sectionSpec } from '../feeds/feed-spec.ts';
import type { PublishedIssue } from '../model/published.ts';
import {
  allSectionsSlug,
  archiveKey,
  type FeedFormat,
  feedKey,
  latestIssueKey,
  objectPolicy,
  opmlKey,
  policyForKey,
} from '../site-layout.ts';
import type { Store } from '../storage/store.ts';
import { articleRecordsOf } from './article-records.ts';
import { canonicalJsonBytes } from './canonical-json.ts';
import type { WindowDoc } from './site-state.ts';
import { forEachLimit, putIfChanged, putKnownChanged, settleAll, type WriteLog } from './store-io.ts';

/**
 * Render-and-write steps shared by the publish use case and the rebuild: each derives one set
 * of objects from documents at hand and writes only what changed.
 */

const formats: FeedFormat[] = ['rss', 'atom', 'json'];

/** Parallel writes per publish: enough to hide S3 latency, few enough for one Lambda's sockets. */
export const writeConcurrency = 16;

/**
 * The feed spec of a slug. The slug stored with the pages wins over re-deriving it from the
 * 版名, so a config change never silently moves an existing feed's URLs.
 */
export const feedSpecOf = (slug: string, section: string | undefined, config: SiteConfig): FeedSpec =>
  slug === allSectionsSlug || section === undefined
    ? allSectionsSpec(config)
    : { ...sectionSpec(section, config), slug };

/** `articles/<date>/<id>.json` for every article of the issue. */
export const writeArticleRecords = async (site: Store, issue: PublishedIssue, writes: WriteLog) => {
  await forEachLimit(articleRecordsOf(issue), writeConcurrency, async ({ key, record }) => {
    await putIfChanged(site, key, canonicalJsonBytes(record), policyForKey(key), writes);
  });
};

/** `feeds/<slug>/{rss.xml,atom.xml,feed.json}` from a window document. */
export const writeSubscriptionFeeds = async (
  site: Store,
  window: WindowDoc,
  config: SiteConfig,
  writes: WriteLog,
  cache?: ItemCache,
) => {
  const spec = feedSpecOf(window.slug, window.section, config);
  const tombstones = window.tombstones ?? [];
  // Tombstone issues ride along (RFC 6721 in Atom; RSS and JSON Feed drop retracted articles):
  // the renderer keeps the newest `windowIssues` issues, so its cut is widened by their number.
  const docs = buildSubscriptionFeeds(
    spec,
    [...window.issues, ...tombstones],
    { newestArchiveDate: window.dates[0] },
    tombstones.length === 0 ? config : { ...config, windowIssues: config.windowIssues + tombstones.length },
    cache,
  );
  await settleAll(
    formats.map((format) =>
      putIfChanged(
        site,
        feedKey(window.slug, format),
        docs[format],
        objectPolicy({ kind: 'feed', slug: window.slug, format }),
        writes,
      ),
    ),
  );
};

/** RFC 5005 neighbours of an archive: the dates before and after it that have the same feed. */
export interface ArchiveLinks {
  prevDate?: string;
  nextDate?: string;
}

/**
 * `feeds/<slug>/archive/<date>/…` (RFC 5005) with `prev-archive` and `next-archive`. An archive
 * changes when its issue is corrected and once more when its feed's next date appears (it gains
 * `next-archive`), so the cache policy follows that link, not the clock: the newest archive of a
 * feed (no next yet) is cached short, every older one long. The same state thus gives the same
 * metadata whether a publish or the rebuild wrote it.
 */
export const writeArchiveFeeds = async (
  site: Store,
  spec: FeedSpec,
  issue: PublishedIssue,
  links: ArchiveLinks,
  config: SiteConfig,
  writes: WriteLog,
  cache?: ItemCache,
) => {
  const docs = buildArchiveFeeds(spec, issue, links, config, cache);
  const archiveSettled = links.nextDate !== undefined;
  await settleAll(
    formats.map((format) =>
      putIfChanged(
        site,
        archiveKey(spec.slug, issue.date, format),
        docs[format],
        objectPolicy({ kind: 'archive', slug: spec.slug, date: issue.date, format }, { archiveSettled }),
        writes,
      ),
    ),
  );
};

/** Remove the archive documents of a date a section no longer appears in. */
export const deleteArchiveFeeds = async (site: Store, slug: string, date: string, writes: WriteLog) => {
  for (const format of formats) {
    await site.delete(archiveKey(slug, date, format));
    writes.push(archiveKey(slug, date, format));
  }
};

/** The specs the OPML lists: the all-sections feed, then every section by slug. */
export const opmlSpecs = (catalog: Record<string, string>, config: SiteConfig): FeedSpec[] => [
  allSectionsSpec(config),
  ...Object.keys(catalog)
    .sort()
    .map((slug) => feedSpecOf(slug, catalog[slug], config)),
];

/** `feeds.opml`; `known` skips the read when the caller knows the section catalog changed. */
export const writeOpml = async (
  site: Store,
  catalog: Record<string, string>,
  config: SiteConfig,
  writes: WriteLog,
  known: 'changed' | 'unknown' = 'unknown',
) => {
  const body = buildOpml(opmlSpecs(catalog, config), config);
  const options = objectPolicy({ kind: 'opml' });
  if (known === 'changed') await putKnownChanged(site, opmlKey, body, options, writes);
  else await putIfChanged(site, opmlKey, body, options, writes);
};

/** `issues/latest.json`: the newest issue, byte-identical to its `issues/<date>.json`. */
export const writeLatestIssue = async (site: Store, issue: PublishedIssue, writes: WriteLog) => {
  await putIfChanged(
    site,
    latestIssueKey,
    canonicalJsonBytes(issue),
    objectPolicy({ kind: 'latest-issue' }),
    writes,
  );
};
