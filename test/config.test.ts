import { describe, expect, it } from 'vitest';
import {
  configFingerprint,
  parseSiteConfig,
  siteConfigFromEnvironment,
  siteConfigToEnvironment,
} from '../shared/config.ts';
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
      maxImageBytes: 41943040,
      maxImagePixels: 100000000,
      maxPdfBytes: 104857600,
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
    [{ siteUrl: 'https://x.example', maxImageBytes: 1023 }, /maxImageBytes/],
    [{ siteUrl: 'https://x.example', maxImageBytes: 256 * 2 ** 20 + 1 }, /maxImageBytes/],
    [{ siteUrl: 'https://x.example', maxImagePixels: 999_999 }, /maxImagePixels/],
    [{ siteUrl: 'https://x.example', maxImagePixels: '300000000' }, /maxImagePixels/],
    [{ siteUrl: 'https://x.example', maxImagePixels: '1e8.5' }, /maxImagePixels/],
    [{ siteUrl: 'https://x.example', maxPdfBytes: 0 }, /maxPdfBytes/],
    [{ siteUrl: 'https://x.example', maxPdfBytes: 512 * 2 ** 20 + 1 }, /maxPdfBytes/],
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

  it('takes the media limits from the environment', () => {
    const config = siteConfigFromEnvironment({
      SITE_URL: 'https://feeds.example.cn',
      MAX_IMAGE_BYTES: '2097152',
      MAX_IMAGE_PIXELS: '24000000',
      MAX_PDF_BYTES: '209715200',
    });
    expect([config.maxImageBytes, config.maxImagePixels, config.maxPdfBytes]).toEqual([
      2_097_152, 24_000_000, 209_715_200,
    ]);
    expect(() =>
      siteConfigFromEnvironment({ SITE_URL: 'https://feeds.example.cn', MAX_IMAGE_PIXELS: 'lots' }),
    ).toThrow(/maxImagePixels/);
  });

  it('leaves the media limits out of the fingerprint: they decide what is accepted, not what renders', () => {
    const base = parseSiteConfig({ siteUrl: 'https://feeds.example.cn' });
    const raised = parseSiteConfig({
      siteUrl: 'https://feeds.example.cn',
      maxImageBytes: 100 * 2 ** 20,
      maxImagePixels: 200_000_000,
      maxPdfBytes: 300 * 2 ** 20,
    });
    expect(configFingerprint(raised)).toBe(configFingerprint(base));
    // A key that does render still moves it.
    expect(
      configFingerprint(parseSiteConfig({ siteUrl: 'https://feeds.example.cn', title: '衢州晚报' })),
    ).not.toBe(configFingerprint(base));
  });

  it('requires the site URL in the environment', () => {
    expect(() => siteConfigFromEnvironment({})).toThrow(/SITE_URL is required/);
  });
});
