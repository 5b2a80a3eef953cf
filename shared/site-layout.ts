/**
 * The site map: every key of the site store (the output bucket / `<data>/site/`), the one parser
 * that reads a key back ({@link parseSiteKey}) and each kind's content type and cache policy
 * ({@link objectPolicy}). No other module spells a key, a key pattern or a policy. The public keys
 * are also the URL map behind CloudFront and `npm start`. Nothing here may start with `incoming/`:
 * that prefix is the input the build function is triggered by (test/site-layout.test.ts).
 *
 *   articles/<date>/<id>.json                 article record (permalink function reads it)
 *   issues/<date>.json                        the issue as published (table of contents, feeds' input)
 *   issues/latest.json                        copy of the newest issue (home page, one read)
 *   feeds/<slug>/{rss.xml,atom.xml,feed.json} subscription documents; slug `all` = every section
 *   feeds/<slug>/archive/<date>/{rss.xml,atom.xml,feed.json}   RFC 5005 archive, one per issue date
 *   feeds.opml                                every feed, Chinese titles
 *   reports/<upload key>.json                 report of an upload (why it was rejected)
 *   media/<digest>/<file>                     photo renditions and page facsimiles, content-addressed
 *   brand/<kit id>/<file>                     icons and logos (shared/branding), content-addressed
 *   robots.txt                                Sitemap: lines
 *   sitemap.xml                               sitemap index: one sitemap per month of permalinks
 *   sitemaps/<YYYY-MM>.xml                    the permalinks (articles and issue pages) of one month
 *   sitemaps/news.xml                         Google News sitemap: articles of the last two days
 *   <indexNowKey>.txt                         IndexNow key file (the protocol wants it at the root)
 *
 * Private state (shared/publish/site-state.ts, derived-hashes.ts, media-state.ts, shared/sitemaps):
 *
 *   state/windows/<slug>.json                 a feed's window (one JSON document per line)
 *   state/calendar/<yyyy>.json                date → slugs present that day
 *   state/uploads/<upload key>.json           the dates an upload key published into
 *   state/site-config.json                    the config the site was published with
 *   state/hashes/dates/<date>.json            hash record of a date's article records and archives
 *   state/hashes/uploads/<nn>.json            hash record of the upload indexes in bucket nn
 *   state/sitemaps/<YYYY-MM>.json             what a month's sitemap is rendered from
 *   state/sitemaps/index.json                 the months and their last change
 *   state/media/<date>.json                   a date's media uploads and their renditions
 *   state/media/refs/<digest>.json            the uploads using the renditions of one primary digest
 */

export const inputPrefix = 'incoming/';
export const allSectionsSlug = 'all';

export type FeedFormat = 'rss' | 'atom' | 'json';

export const feedFileNames: Record<FeedFormat, string> = {
  rss: 'rss.xml',
  atom: 'atom.xml',
  json: 'feed.json',
};

/** Key prefixes (folders) of the site store: what listings and IAM/CloudFront patterns start from. */
export const sitePrefixes = {
  articles: 'articles/',
  issues: 'issues/',
  feeds: 'feeds/',
  reports: 'reports/',
  media: 'media/',
  brand: 'brand/',
  sitemaps: 'sitemaps/',
  state: 'state/',
  windows: 'state/windows/',
  calendars: 'state/calendar/',
  uploadIndexes: 'state/uploads/',
  hashRecords: 'state/hashes/',
  dateHashRecords: 'state/hashes/dates/',
  uploadHashRecords: 'state/hashes/uploads/',
  sitemapState: 'state/sitemaps/',
  mediaState: 'state/media/',
  mediaRefs: 'state/media/refs/',
} as const;

const p = sitePrefixes;

export const articleKey = (date: string, id: string) => `${p.articles}${date}/${id}.json`;
export const issueKey = (date: string) => `${p.issues}${date}.json`;
export const latestIssueKey = `${p.issues}latest.json`;
export const feedKey = (slug: string, format: FeedFormat) => `${p.feeds}${slug}/${feedFileNames[format]}`;
export const archiveKey = (slug: string, date: string, format: FeedFormat) =>
  `${p.feeds}${slug}/archive/${date}/${feedFileNames[format]}`;
export const opmlKey = 'feeds.opml';
export const reportKey = (uploadKey: string) => `${p.reports}${uploadKey}.json`;
/**
 * A media object named by the sha256 of its own bytes (`digest`: lowercase hex prefix), e.g.
 * `media/3f9a…/1200.jpg`: the same bytes always get the same key, so a key never changes content.
 */
export const mediaKey = (digest: string, fileName: string) => `${p.media}${digest}/${fileName}`;
/** A file of a branding kit; the kit id is a hash of what the kit is made from (brand-assets.ts). */
export const brandKey = (kitId: string, file: string) => `${p.brand}${kitId}/${file}`;

export const windowKey = (slug: string) => `${p.windows}${slug}.json`;
export const calendarKey = (year: string) => `${p.calendars}${year}.json`;
export const uploadIndexKey = (uploadKey: string) => `${p.uploadIndexes}${uploadKey}.json`;
export const siteConfigKey = `${p.state}site-config.json`;
export const dateHashKey = (date: string) => `${p.dateHashRecords}${date}.json`;
export const uploadHashKey = (bucket: number) =>
  `${p.uploadHashRecords}${String(bucket).padStart(2, '0')}.json`;

export const robotsKey = 'robots.txt';
export const sitemapIndexKey = 'sitemap.xml';
export const monthSitemapKey = (month: string) => `${p.sitemaps}${month}.xml`;
export const newsSitemapKey = `${p.sitemaps}news.xml`;
export const indexNowKeyFile = (key: string) => `${key}.txt`;
export const monthStateKey = (month: string) => `${p.sitemapState}${month}.json`;
export const sitemapIndexStateKey = `${p.sitemapState}index.json`;
export const mediaStateKey = (date: string) => `${p.mediaState}${date}.json`;
/** Named after the digest of an upload's primary rendition (shared/publish/media-state.ts). */
export const mediaRefsKey = (digest: string) => `${p.mediaRefs}${digest}.json`;

/** Public URLs (absolute), from the configured site URL. */
export const articleUrl = (siteUrl: string, date: string, id: string) => `${siteUrl}/articles/${date}/${id}`;
export const issueUrl = (siteUrl: string, date: string) => `${siteUrl}/articles/${date}/`;
export const siteFileUrl = (siteUrl: string, key: string) => `${siteUrl}/${key}`;

/** What a site key is, with the parts its name carries. */
export type SiteKey =
  | { kind: 'article'; date: string; id: string }
  | { kind: 'issue'; date: string }
  | { kind: 'latest-issue' }
  | { kind: 'feed'; slug: string; format: FeedFormat }
  | { kind: 'archive'; slug: string; date: string; format: FeedFormat }
  | { kind: 'opml' }
  | { kind: 'report'; uploadKey: string }
  | { kind: 'media'; digest: string; file: string }
  | { kind: 'brand'; kitId: string; file: string }
  | { kind: 'robots' }
  | { kind: 'sitemap-index' }
  | { kind: 'month-sitemap'; month: string }
  | { kind: 'news-sitemap' }
  | { kind: 'indexnow-key'; key: string }
  | { kind: 'window'; slug: string }
  | { kind: 'calendar'; year: string }
  | { kind: 'upload-index'; uploadKey: string }
  | { kind: 'site-config' }
  | { kind: 'date-hashes'; date: string }
  | { kind: 'upload-hashes'; bucket: number }
  | { kind: 'month-sitemap-state'; month: string }
  | { kind: 'sitemap-index-state' }
  | { kind: 'media-state'; date: string }
  | { kind: 'media-refs'; digest: string };

export type SiteKeyKind = SiteKey['kind'];

/** The key of a parsed (or hand-made) site key: the inverse of {@link parseSiteKey}. */
export const siteKey = (key: SiteKey): string => {
  switch (key.kind) {
    case 'article':
      return articleKey(key.date, key.id);
    case 'issue':
      return issueKey(key.date);
    case 'latest-issue':
      return latestIssueKey;
    case 'feed':
      return feedKey(key.slug, key.format);
    case 'archive':
      return archiveKey(key.slug, key.date, key.format);
    case 'opml':
      return opmlKey;
    case 'report':
      return reportKey(key.uploadKey);
    case 'media':
      return mediaKey(key.digest, key.file);
    case 'brand':
      return brandKey(key.kitId, key.file);
    case 'robots':
      return robotsKey;
    case 'sitemap-index':
      return sitemapIndexKey;
    case 'month-sitemap':
      return monthSitemapKey(key.month);
    case 'news-sitemap':
      return newsSitemapKey;
    case 'indexnow-key':
      return indexNowKeyFile(key.key);
    case 'window':
      return windowKey(key.slug);
    case 'calendar':
      return calendarKey(key.year);
    case 'upload-index':
      return uploadIndexKey(key.uploadKey);
    case 'site-config':
      return siteConfigKey;
    case 'date-hashes':
      return dateHashKey(key.date);
    case 'upload-hashes':
      return uploadHashKey(key.bucket);
    case 'month-sitemap-state':
      return monthStateKey(key.month);
    case 'sitemap-index-state':
      return sitemapIndexStateKey;
    case 'media-state':
      return mediaStateKey(key.date);
    case 'media-refs':
      return mediaRefsKey(key.digest);
  }
};

const date = String.raw`\d{4}-\d{2}-\d{2}`;
const month = String.raw`\d{4}-\d{2}`;
const feedFile = String.raw`rss\.xml|atom\.xml|feed\.json`;
const segment = '[^/]+';
const formatOfFile = Object.fromEntries(
  Object.entries(feedFileNames).map(([format, file]) => [file, format as FeedFormat]),
) as Record<string, FeedFormat>;

/** Each key form once: a pattern anchored at both ends and what its groups mean. */
const keyForms: readonly [RegExp, (m: string[]) => SiteKey][] = [
  [
    new RegExp(`^articles/(${date})/(${segment})\\.json$`),
    (m) => ({ kind: 'article', date: m[1]!, id: m[2]! }),
  ],
  [/^issues\/latest\.json$/, () => ({ kind: 'latest-issue' })],
  [new RegExp(`^issues/(${date})\\.json$`), (m) => ({ kind: 'issue', date: m[1]! })],
  [
    new RegExp(`^feeds/(${segment})/(${feedFile})$`),
    (m) => ({ kind: 'feed', slug: m[1]!, format: formatOfFile[m[2]!]! }),
  ],
  [
    new RegExp(`^feeds/(${segment})/archive/(${date})/(${feedFile})$`),
    (m) => ({ kind: 'archive', slug: m[1]!, date: m[2]!, format: formatOfFile[m[3]!]! }),
  ],
  [/^feeds\.opml$/, () => ({ kind: 'opml' })],
  [/^reports\/(.+)\.json$/s, (m) => ({ kind: 'report', uploadKey: m[1]! })],
  [new RegExp(`^media/(${segment})/(${segment})$`), (m) => ({ kind: 'media', digest: m[1]!, file: m[2]! })],
  [new RegExp(`^brand/(${segment})/(${segment})$`), (m) => ({ kind: 'brand', kitId: m[1]!, file: m[2]! })],
  [/^robots\.txt$/, () => ({ kind: 'robots' })],
  [/^sitemap\.xml$/, () => ({ kind: 'sitemap-index' })],
  [/^sitemaps\/news\.xml$/, () => ({ kind: 'news-sitemap' })],
  [new RegExp(`^sitemaps/(${month})\\.xml$`), (m) => ({ kind: 'month-sitemap', month: m[1]! })],
  [/^([A-Za-z0-9-]{8,128})\.txt$/, (m) => ({ kind: 'indexnow-key', key: m[1]! })],
  [new RegExp(`^state/windows/(${segment})\\.json$`), (m) => ({ kind: 'window', slug: m[1]! })],
  [/^state\/calendar\/(\d{4})\.json$/, (m) => ({ kind: 'calendar', year: m[1]! })],
  [/^state\/uploads\/(.+)\.json$/s, (m) => ({ kind: 'upload-index', uploadKey: m[1]! })],
  [/^state\/site-config\.json$/, () => ({ kind: 'site-config' })],
  [new RegExp(`^state/hashes/dates/(${date})\\.json$`), (m) => ({ kind: 'date-hashes', date: m[1]! })],
  [/^state\/hashes\/uploads\/(\d{2})\.json$/, (m) => ({ kind: 'upload-hashes', bucket: Number(m[1]) })],
  [/^state\/sitemaps\/index\.json$/, () => ({ kind: 'sitemap-index-state' })],
  [new RegExp(`^state/sitemaps/(${month})\\.json$`), (m) => ({ kind: 'month-sitemap-state', month: m[1]! })],
  [new RegExp(`^state/media/(${date})\\.json$`), (m) => ({ kind: 'media-state', date: m[1]! })],
  [new RegExp(`^state/media/refs/(${segment})\\.json$`), (m) => ({ kind: 'media-refs', digest: m[1]! })],
];

/**
 * What a site key is; undefined for a key this code never writes (a hand-made file, a key of a
 * newer version). Each form is matched exactly: `feeds/<slug>/rss.xml` is a subscription
 * document, `feeds/<slug>/archive/<date>/rss.xml` an archive, anything else under `feeds/` none.
 */
export const parseSiteKey = (key: string): SiteKey | undefined => {
  for (const [pattern, read] of keyForms) {
    const match = pattern.exec(key);
    if (match) return read(match);
  }
  return undefined;
};

/** The parsed key when it is of this kind (`keyOfKind(key, 'window')?.slug`). */
export const keyOfKind = <K extends SiteKeyKind>(
  key: string,
  kind: K,
): Extract<SiteKey, { kind: K }> | undefined => {
  const parsed = parseSiteKey(key);
  return parsed?.kind === kind ? (parsed as Extract<SiteKey, { kind: K }>) : undefined;
};

/** Content types of the site's objects. */
export const contentTypes = {
  json: 'application/json; charset=utf-8',
  opml: 'text/x-opml; charset=utf-8',
  /** Window documents: one JSON document per line (site-state.ts, `encodeWindow`). */
  ndjson: 'application/x-ndjson; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
  text: 'text/plain; charset=utf-8',
  png: 'image/png',
  ico: 'image/x-icon',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  pdf: 'application/pdf',
} as const;

export const feedContentTypes: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

/** Cache-Control of the site's objects (docs/publishing.md). */
export const cachePolicies = {
  /** Subscription documents, OPML, article records, issue documents: corrections show within minutes. */
  short: 'public, max-age=300',
  /**
   * Archive documents that already link their next archive: they only change if that issue is
   * corrected (or a date is inserted next to them).
   */
  long: 'public, max-age=86400',
  /** Reports and internal state: always read fresh. */
  none: 'no-store',
  /** Content-addressed keys never change content: caches may keep them a year without revalidating. */
  immutable: 'public, max-age=31536000, immutable',
} as const;

/** How an object is stored: what a write passes to the store. */
export interface ObjectPolicy {
  contentType: string;
  cacheControl: string;
}

const typeByExtension: Record<string, string> = {
  json: contentTypes.json,
  png: contentTypes.png,
  ico: contentTypes.ico,
  jpg: contentTypes.jpeg,
  webp: contentTypes.webp,
  pdf: contentTypes.pdf,
};
const fileType = (file: string) =>
  typeByExtension[file.slice(file.lastIndexOf('.') + 1).toLowerCase()] ?? 'application/octet-stream';

/**
 * The content type and cache policy of a kind of object. An archive that already links its next
 * archive (`archiveSettled`) only changes when that issue is corrected, so caches keep it longer.
 */
export const objectPolicy = (key: SiteKey, options: { archiveSettled?: boolean } = {}): ObjectPolicy => {
  switch (key.kind) {
    case 'article':
    case 'issue':
    case 'latest-issue':
      return { contentType: contentTypes.json, cacheControl: cachePolicies.short };
    case 'feed':
      return { contentType: feedContentTypes[key.format], cacheControl: cachePolicies.short };
    case 'archive':
      return {
        contentType: feedContentTypes[key.format],
        cacheControl: options.archiveSettled === true ? cachePolicies.long : cachePolicies.short,
      };
    case 'opml':
      return { contentType: contentTypes.opml, cacheControl: cachePolicies.short };
    case 'media':
    case 'brand':
      return { contentType: fileType(key.file), cacheControl: cachePolicies.immutable };
    case 'robots':
    case 'indexnow-key':
      return { contentType: contentTypes.text, cacheControl: cachePolicies.short };
    case 'sitemap-index':
    case 'month-sitemap':
    case 'news-sitemap':
      return { contentType: contentTypes.xml, cacheControl: cachePolicies.short };
    case 'window':
      return { contentType: contentTypes.ndjson, cacheControl: cachePolicies.none };
    case 'report':
    case 'calendar':
    case 'upload-index':
    case 'site-config':
    case 'date-hashes':
    case 'upload-hashes':
    case 'month-sitemap-state':
    case 'sitemap-index-state':
    case 'media-state':
    case 'media-refs':
      return { contentType: contentTypes.json, cacheControl: cachePolicies.none };
  }
};

/**
 * The policy of a key this code writes ({@link objectPolicy} of its parsed form).
 * @throws RangeError for a key no writer produces: a new kind of object belongs in this module first
 */
export const policyForKey = (key: string, options: { archiveSettled?: boolean } = {}): ObjectPolicy => {
  const parsed = parseSiteKey(key);
  if (parsed === undefined) throw new RangeError(`"${key}" is no site key (shared/site-layout.ts)`);
  return objectPolicy(parsed, options);
};

/** An IAM / CloudFront wildcard pattern for every key under a prefix (`feeds/*`). */
export const underPrefix = (prefix: string) => `${prefix}*`;
/** Pattern of the text files at the root (robots.txt, the IndexNow key file). */
export const rootTextFiles = '*.txt';

/** Public keys of the discovery documents and the branding kit, for static serving. */
export const isDiscoveryKey = (key: string): boolean =>
  key === robotsKey ||
  key === sitemapIndexKey ||
  (key.startsWith(p.sitemaps) && key.endsWith('.xml') && !key.slice(p.sitemaps.length).includes('/')) ||
  key.startsWith(p.brand) ||
  parseSiteKey(key)?.kind === 'indexnow-key';
