import { describe, expect, it } from 'vitest';
import { parseSiteConfig, siteConfigFromEnvironment, siteConfigToEnvironment } from '../shared/config.ts';
import { ConfigError } from '../shared/errors.ts';

describe('site config', () => {
  it('fills documented defaults and strips the trailing slash', () => {
    expect(parseSiteConfig({ siteUrl: 'https://feeds.example.cn/' })).toEqual({
      siteUrl: 'https://feeds.example.cn',
      title: '衢州日报',
      timeZone: 'Asia/Shanghai',
      publicationTime: '05:00',
      windowIssues: 7,
      maxFeedBytes: 524288,
      maxUploadBytes: 10485760,
      sectionSlugs: {},
      accentColor: '#b8202a',
      maxDaysAhead: 7,
      firstIssueDate: '1949-01-01',
    });
  });

  it.each([
    [{ siteUrl: 'ftp://x.example' }, /siteUrl/],
    [{ siteUrl: 'https://x.example/?q=1' }, /siteUrl/],
    [{ siteUrl: 'not a url' }, /siteUrl/],
    [{ siteUrl: 'https://x.example', windowIssues: '0' }, /windowIssues/],
    [{ siteUrl: 'https://x.example', windowIssues: 'seven' }, /windowIssues/],
    [{ siteUrl: 'https://x.example', maxFeedBytes: 1000 }, /maxFeedBytes/],
    [{ siteUrl: 'https://x.example', publicationTime: '25:00' }, /publicationTime/],
    [{ siteUrl: 'https://x.example', timeZone: 'UTC' }, /timeZone/],
    [{ siteUrl: 'https://x.example', sectionSlugs: { 要闻: 'Not A Slug' } }, /sectionSlugs/],
    [{ siteUrl: 'https://x.example', colour: 'red' }, /colour/],
    [{ siteUrl: 'https://x.example', idAuthority: 'Feeds.Example.cn' }, /idAuthority/],
    [{ siteUrl: 'https://x.example', idAuthority: 'https://feeds.example.cn' }, /idAuthority/],
    [{ siteUrl: 'https://x.example', maxDaysAhead: '400' }, /maxDaysAhead/],
    [{ siteUrl: 'https://x.example', firstIssueDate: '2024-02-30' }, /firstIssueDate/],
    [{ siteUrl: 'https://x.example', firstIssueDate: '1957' }, /firstIssueDate/],
  ])('rejects %j with a ConfigError naming the key', (input, message) => {
    expect(() => parseSiteConfig(input)).toThrow(ConfigError);
    expect(() => parseSiteConfig(input)).toThrow(message);
  });

  it('round-trips through the environment the functions receive', () => {
    const config = parseSiteConfig({
      siteUrl: 'https://feeds.example.cn',
      windowIssues: 3,
      websubHub: 'https://hub.example.cn/',
      sectionSlugs: { 要闻: 'news' },
      idAuthority: 'qzrb.cn',
      maxDaysAhead: 3,
      firstIssueDate: '1957-01-01',
    });
    expect(siteConfigFromEnvironment(siteConfigToEnvironment(config))).toEqual(config);
  });

  it('requires the site URL in the environment', () => {
    expect(() => siteConfigFromEnvironment({})).toThrow(/SITE_URL is required/);
  });
});
