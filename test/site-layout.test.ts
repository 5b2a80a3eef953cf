import { describe, expect, it } from 'vitest';
import {
  archiveKey,
  articleKey,
  cachePolicies,
  contentTypes,
  feedContentTypes,
  feedKey,
  inputPrefix,
  isDiscoveryKey,
  issueKey,
  keyOfKind,
  latestIssueKey,
  objectPolicy,
  opmlKey,
  parseSiteKey,
  policyForKey,
  reportKey,
  type SiteKey,
  type SiteKeyKind,
  siteKey,
} from '../shared/site-layout.ts';

/** One key of every kind, as the writers name them. */
const everyKind: SiteKey[] = [
  { kind: 'article', date: '2024-11-30', id: 'p1-abcdef01' },
  { kind: 'issue', date: '2024-11-30' },
  { kind: 'latest-issue' },
  { kind: 'feed', slug: 'yaowen', format: 'rss' },
  { kind: 'feed', slug: 'all', format: 'json' },
  { kind: 'archive', slug: 'yaowen', date: '2024-11-30', format: 'atom' },
  { kind: 'opml' },
  { kind: 'report', uploadKey: 'incoming/2024-11-30/01-要闻.txt' },
  { kind: 'media', digest: '3f9a0c', file: '1200.jpg' },
  { kind: 'brand', kitId: '0123456789abcdef', file: 'favicon.ico' },
  { kind: 'robots' },
  { kind: 'sitemap-index' },
  { kind: 'month-sitemap', month: '2024-11' },
  { kind: 'news-sitemap' },
  { kind: 'indexnow-key', key: 'a1b2c3d4e5f6' },
  { kind: 'window', slug: 'all' },
  { kind: 'calendar', year: '2024' },
  { kind: 'upload-index', uploadKey: 'incoming/2024-11-30/01.txt' },
  { kind: 'site-config' },
  { kind: 'date-hashes', date: '2024-11-30' },
  { kind: 'upload-hashes', bucket: 7 },
  { kind: 'month-sitemap-state', month: '2024-11' },
  { kind: 'sitemap-index-state' },
  { kind: 'media-state', date: '2024-11-30' },
  { kind: 'media-refs', digest: '3f9a0c' },
];

describe('site layout', () => {
  it('never places an output key under the input prefix', () => {
    const keys = [
      articleKey('2024-11-30', 'p1-abcdef01'),
      issueKey('2024-11-30'),
      latestIssueKey,
      feedKey('yaowen', 'rss'),
      feedKey('all', 'json'),
      archiveKey('yaowen', '2024-11-30', 'atom'),
      opmlKey,
      reportKey('incoming/2024-11-30/01.txt'),
      ...everyKind.map(siteKey),
    ];
    for (const key of keys) expect(key.startsWith(inputPrefix), key).toBe(false);
  });

  it('covers every kind in the examples', () => {
    // A Record over the kinds: adding a kind without an example here fails the type check.
    const kinds: Record<SiteKeyKind, true> = {
      article: true,
      issue: true,
      'latest-issue': true,
      feed: true,
      archive: true,
      opml: true,
      report: true,
      media: true,
      brand: true,
      robots: true,
      'sitemap-index': true,
      'month-sitemap': true,
      'news-sitemap': true,
      'indexnow-key': true,
      window: true,
      calendar: true,
      'upload-index': true,
      'site-config': true,
      'date-hashes': true,
      'upload-hashes': true,
      'month-sitemap-state': true,
      'sitemap-index-state': true,
      'media-state': true,
      'media-refs': true,
    };
    expect(new Set(everyKind.map((k) => k.kind))).toEqual(new Set(Object.keys(kinds)));
  });

  it('parses every key it builds back into the same kind and parts', () => {
    for (const key of everyKind) expect(parseSiteKey(siteKey(key)), siteKey(key)).toEqual(key);
  });

  it('spells the keys as the site has always stored them', () => {
    expect(everyKind.map(siteKey)).toEqual([
      'articles/2024-11-30/p1-abcdef01.json',
      'issues/2024-11-30.json',
      'issues/latest.json',
      'feeds/yaowen/rss.xml',
      'feeds/all/feed.json',
      'feeds/yaowen/archive/2024-11-30/atom.xml',
      'feeds.opml',
      'reports/incoming/2024-11-30/01-要闻.txt.json',
      'media/3f9a0c/1200.jpg',
      'brand/0123456789abcdef/favicon.ico',
      'robots.txt',
      'sitemap.xml',
      'sitemaps/2024-11.xml',
      'sitemaps/news.xml',
      'a1b2c3d4e5f6.txt',
      'state/windows/all.json',
      'state/calendar/2024.json',
      'state/uploads/incoming/2024-11-30/01.txt.json',
      'state/site-config.json',
      'state/hashes/dates/2024-11-30.json',
      'state/hashes/uploads/07.json',
      'state/sitemaps/2024-11.json',
      'state/sitemaps/index.json',
      'state/media/2024-11-30.json',
      'state/media/refs/3f9a0c.json',
    ]);
  });

  it('recognises no key this code does not write', () => {
    for (const key of [
      'feeds/yaowen/index.html',
      'feeds/yaowen/archive/2024-11-30/extra/rss.xml',
      'feeds/yaowen/archive/latest/rss.xml',
      'feeds//rss.xml',
      'issues/2024-11-30.json.bak',
      'articles/2024-11-30/a/b.json',
      'state/calendar/24.json',
      'state/hashes/dates/x.json',
      'state/media/latest.json',
      'state/media/refs/a/b.json',
      'sitemaps/old.xml',
      'short.txt',
      'incoming/2024-11-30/01.txt',
      '',
    ])
      expect(parseSiteKey(key), key).toBeUndefined();
  });

  it('answers a kind query only for keys of that kind', () => {
    expect(keyOfKind('state/windows/yaowen.json', 'window')?.slug).toBe('yaowen');
    expect(keyOfKind('feeds/yaowen/rss.xml', 'window')).toBeUndefined();
    expect(keyOfKind('feeds/yaowen/archive/2024-11-30/feed.json', 'archive')).toEqual({
      kind: 'archive',
      slug: 'yaowen',
      date: '2024-11-30',
      format: 'json',
    });
  });

  it('gives each kind the content type and cache policy its writers have always used', () => {
    const policy = (key: string) => policyForKey(key);
    expect(policy('feeds/all/rss.xml')).toEqual({
      contentType: feedContentTypes.rss,
      cacheControl: cachePolicies.short,
    });
    expect(policy('feeds/all/archive/2024-11-30/atom.xml')).toEqual({
      contentType: 'application/atom+xml; charset=utf-8',
      cacheControl: 'public, max-age=300',
    });
    expect(policyForKey('feeds/all/archive/2024-11-30/atom.xml', { archiveSettled: true }).cacheControl).toBe(
      'public, max-age=86400',
    );
    expect(policy('feeds.opml')).toEqual({
      contentType: 'text/x-opml; charset=utf-8',
      cacheControl: 'public, max-age=300',
    });
    for (const key of ['articles/2024-11-30/x.json', 'issues/2024-11-30.json', 'issues/latest.json'])
      expect(policy(key)).toEqual({ contentType: contentTypes.json, cacheControl: 'public, max-age=300' });
    expect(policy('state/windows/all.json')).toEqual({
      contentType: 'application/x-ndjson; charset=utf-8',
      cacheControl: 'no-store',
    });
    for (const key of [
      'reports/incoming/a.txt.json',
      'state/calendar/2024.json',
      'state/uploads/incoming/a.txt.json',
      'state/site-config.json',
      'state/hashes/dates/2024-11-30.json',
      'state/hashes/uploads/31.json',
      'state/sitemaps/2024-11.json',
      'state/sitemaps/index.json',
      'state/media/2024-11-30.json',
      'state/media/refs/3f9a0c.json',
    ])
      expect(policy(key), key).toEqual({
        contentType: 'application/json; charset=utf-8',
        cacheControl: 'no-store',
      });
    for (const key of ['sitemap.xml', 'sitemaps/2024-11.xml', 'sitemaps/news.xml'])
      expect(policy(key)).toEqual({
        contentType: 'application/xml; charset=utf-8',
        cacheControl: 'public, max-age=300',
      });
    for (const key of ['robots.txt', 'a1b2c3d4e5f6.txt'])
      expect(policy(key)).toEqual({
        contentType: 'text/plain; charset=utf-8',
        cacheControl: 'public, max-age=300',
      });
    const immutable = 'public, max-age=31536000, immutable';
    expect(policy('media/3f9a/1200.jpg')).toEqual({ contentType: 'image/jpeg', cacheControl: immutable });
    expect(policy('media/3f9a/1200.webp')).toEqual({ contentType: 'image/webp', cacheControl: immutable });
    expect(policy('media/3f9a/page.pdf')).toEqual({
      contentType: 'application/pdf',
      cacheControl: immutable,
    });
    expect(policy('brand/0123/icon-192.png')).toEqual({ contentType: 'image/png', cacheControl: immutable });
    expect(policy('brand/0123/favicon.ico')).toEqual({
      contentType: 'image/x-icon',
      cacheControl: immutable,
    });
    expect(objectPolicy({ kind: 'brand', kitId: '0123', file: 'manifest.json' }).contentType).toBe(
      'application/json; charset=utf-8',
    );
  });

  it('refuses a policy for a key no writer produces', () => {
    expect(() => policyForKey('feeds/yaowen/index.html')).toThrow(RangeError);
  });

  it('serves the discovery documents and the branding kit statically, and nothing private', () => {
    for (const key of [
      'robots.txt',
      'sitemap.xml',
      'sitemaps/2024-11.xml',
      'sitemaps/news.xml',
      'brand/x/a.png',
      'a1b2c3d4e5f6.txt',
    ])
      expect(isDiscoveryKey(key), key).toBe(true);
    for (const key of ['state/sitemaps/index.json', 'sitemaps/a/b.xml', 'issues/latest.json', 'short.txt'])
      expect(isDiscoveryKey(key), key).toBe(false);
  });
});
