import { describe, expect, it } from 'vitest';
import { brandAssets, siteBrandKitId } from '../../shared/branding/brand-assets.ts';
import { buildArchiveFeeds, buildSubscriptionFeeds } from '../../shared/feeds/build-feeds.ts';
import { buildOpml } from '../../shared/feeds/build-opml.ts';
import { allSectionsSpec, sectionSpec } from '../../shared/feeds/feed-spec.ts';
import { dailyIssues, richIssue, siteUrl, testConfig } from './feed-fixtures.ts';
import { assertWellFormed, parseXml } from './xml-check.ts';

/**
 * Icons, logo and accent colour in every format, and the polling hints of subscription documents
 * (shared/branding, shared/feeds/polling-hints.ts). Parsed, not string-matched.
 */

const config = testConfig({ accentColor: '#1A6B3C' });
const issue = richIssue();
const subscription = buildSubscriptionFeeds(
  sectionSpec('要闻', config),
  [issue, ...dailyIssues('2024-11-29', 2)],
  { newestArchiveDate: issue.date },
  config,
);
const archive = buildArchiveFeeds(allSectionsSpec(config), issue, { prevDate: '2024-11-29' }, config);
const kit = `${siteUrl}/brand/${siteBrandKitId(config)}/`;

describe('branding in the feeds', () => {
  it('gives RSS an <image> within 144 × 400 whose title and link are the channel’s', () => {
    for (const xml of [subscription.rss, archive.rss]) {
      assertWellFormed(xml);
      const channel = parseXml(xml).rss.channel;
      expect(channel.image.url).toBe(`${kit}logo-144x72.png`);
      expect(channel.image.title).toBe(channel.title);
      expect(channel.image.link).toBe(channel.link);
      expect(Number(channel.image.width)).toBeLessThanOrEqual(144);
      expect(Number(channel.image.height)).toBeLessThanOrEqual(400);
    }
  });

  it('gives Feedly its icon, logo and accent colour (hex without #, lower case)', () => {
    const channel = parseXml(subscription.rss).rss.channel;
    expect(channel['webfeeds:icon']).toBe(`${kit}icon-512.png`);
    expect(channel['webfeeds:logo']).toBe(`${kit}logo-600x300.png`);
    expect(channel['webfeeds:accentColor']).toBe('1a6b3c');
    expect(subscription.rss).toContain('xmlns:webfeeds="http://webfeeds.org/rss/1.0"');
  });

  it('gives Atom a square icon and a 2:1 logo', () => {
    for (const xml of [subscription.atom, archive.atom]) {
      const feed = parseXml(xml).feed;
      expect(feed.icon).toBe(`${kit}icon-512.png`);
      expect(feed.logo).toBe(`${kit}logo-600x300.png`);
    }
  });

  it('gives JSON Feed a 512 px icon and a 64 px favicon', () => {
    for (const json of [subscription.json, archive.json]) {
      const feed = JSON.parse(json);
      expect(feed.icon).toBe(`${kit}icon-512.png`);
      expect(feed.favicon).toBe(`${kit}favicon-64.png`);
    }
  });

  it('puts the icon and logo in the OPML head', () => {
    const opml = buildOpml([allSectionsSpec(config)], config);
    assertWellFormed(opml);
    const head = parseXml(opml).opml.head;
    expect(head['webfeeds:icon']).toBe(`${kit}icon-512.png`);
    expect(head['webfeeds:logo']).toBe(`${kit}logo-600x300.png`);
  });

  it('moves every URL to new keys when the logo or the colour changes', () => {
    const other = testConfig({ accentColor: '#000000' });
    expect(brandAssets(other).icon512).not.toBe(brandAssets(config).icon512);
    const operator = testConfig({ brandKit: '0123456789abcdef' });
    expect(brandAssets(operator).logo).toBe(`${siteUrl}/brand/0123456789abcdef/logo-600x300.png`);
  });
});

describe('polling hints', () => {
  it('tells RSS readers to poll hourly and that the paper appears daily at publication time', () => {
    const channel = parseXml(subscription.rss).rss.channel;
    expect(channel.ttl).toBe('60');
    expect(channel['sy:updatePeriod']).toBe('daily');
    expect(channel['sy:updateFrequency']).toBe('1');
    expect(channel['sy:updateBase']).toBe('2000-01-01T05:00+08:00');
  });

  it('follows the configured publication time', () => {
    const late = testConfig({ publicationTime: '06:30' });
    const rss = buildSubscriptionFeeds(allSectionsSpec(late), [issue], {}, late).rss;
    expect(parseXml(rss).rss.channel['sy:updateBase']).toBe('2000-01-01T06:30+08:00');
  });

  it('leaves them out of archives, which are fetched once', () => {
    const channel = parseXml(archive.rss).rss.channel;
    expect(channel.ttl).toBeUndefined();
    expect(channel['sy:updatePeriod']).toBeUndefined();
  });
});
