import type { SiteConfig } from '../config.ts';
import { StorageError } from '../errors.ts';
import type { PublishedIssue } from '../model/published.ts';
import { decodeWindow, type WindowDoc } from '../publish/site-state.ts';
import {
  type RetryPolicy,
  readJson,
  updateJson,
  type Versioned,
  type WriteLog,
} from '../publish/store-io.ts';
import {
  allSectionsSlug,
  issueKey,
  monthStateKey,
  objectPolicy,
  sitemapIndexStateKey,
  windowKey,
} from '../site-layout.ts';
import type { Store } from '../storage/store.ts';
import {
  dateSitemapOf,
  type MonthSitemapDoc,
  monthLastmod,
  monthOf,
  type SitemapIndexDoc,
  withDate,
  withMonth,
} from './sitemap-state.ts';
import { writeMonthSitemap, writeNewsSitemap, writeSitemapIndex } from './write-sitemaps.ts';

/** What sitemap maintenance needs from the publish use case. */
export interface SitemapDeps {
  site: Store;
  config: SiteConfig;
  retry: RetryPolicy;
}

/** Re-render passes when racing publishes keep moving a state document. */
const settlePasses = 20;

/**
 * Render from `first`, then re-read the state's ETag: another publish that changed it meanwhile may
 * have rendered before this one wrote, so render again from the newer state until it holds still.
 */
const settle = async <T>(
  site: Store,
  stateKey: string,
  first: { value: T | undefined; etag: string | undefined },
  render: (value: T | undefined) => Promise<unknown>,
  decode: (bytes: Uint8Array) => T,
) => {
  let current = first;
  for (let pass = 0; pass < settlePasses; pass += 1) {
    await render(current.value);
    const found = await site.get(stateKey);
    if (found?.etag === current.etag) return;
    current = { value: found === undefined ? undefined : decode(found.body), etag: found?.etag };
  }
  throw new StorageError(`${stateKey} kept changing while its sitemap was written`);
};

const parse = <T>(bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)) as T;

/**
 * After a date's issue was committed and its feeds written: its month's sitemap, the sitemap
 * index and the Google News sitemap, from the issue and the `all` window at hand. No LIST; about
 * five reads and three writes when a publish changed articles. Idempotent: a retry re-renders
 * from the stored state and writes only what differs.
 */
export const maintainSitemaps = async (
  deps: SitemapDeps,
  issue: PublishedIssue,
  windows: ReadonlyMap<string, Versioned<WindowDoc>>,
  writes: WriteLog,
) => {
  const { site, config, retry } = deps;
  const month = monthOf(issue.date);
  const monthState = await updateJson<MonthSitemapDoc>(
    site,
    monthStateKey(month),
    // Re-read under the conditional write: the issue document is the truth, a racing publish of
    // another page of this date may have committed since.
    async (current) => {
      const fresh = (await readJson<PublishedIssue>(site, issueKey(issue.date)))?.value ?? issue;
      return withDate(current, issue.date, dateSitemapOf(fresh));
    },
    objectPolicy({ kind: 'month-sitemap-state', month }),
    writes,
    retry,
  );
  await settle(
    site,
    monthStateKey(month),
    { value: monthState.after, etag: monthState.etag },
    (doc) => writeMonthSitemap(site, month, doc, config, writes),
    parse<MonthSitemapDoc>,
  );

  const indexState = await updateJson<SitemapIndexDoc>(
    site,
    sitemapIndexStateKey,
    async (current) =>
      withMonth(
        current,
        month,
        monthLastmod((await readJson<MonthSitemapDoc>(site, monthStateKey(month)))?.value),
      ),
    objectPolicy({ kind: 'sitemap-index-state' }),
    writes,
    retry,
  );
  await settle(
    site,
    sitemapIndexStateKey,
    { value: indexState.after, etag: indexState.etag },
    (doc) => writeSitemapIndex(site, doc, config, writes),
    parse<SitemapIndexDoc>,
  );

  const all = windows.get(allSectionsSlug);
  if (all === undefined) return;
  await settle(
    site,
    windowKey(allSectionsSlug),
    { value: all.value, etag: all.etag },
    (window) => writeNewsSitemap(site, window?.issues ?? [], config, writes),
    decodeWindow,
  );
};
