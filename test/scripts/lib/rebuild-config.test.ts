import { describe, expect, it } from 'vitest';
import { resolveRebuildConfig } from '../../../scripts/lib/rebuild-config.ts';
import { parseSiteConfig } from '../../../shared/config.ts';
import { ConfigError } from '../../../shared/errors.ts';
import { config } from '../../publish/publish-kit.ts';

const noEnvironment = {};

describe('resolveRebuildConfig', () => {
  const recorded = parseSiteConfig({ siteUrl: 'https://news.example.cn', windowIssues: 5 });

  it('uses the recorded config and ignores an exported SITE_URL', () => {
    const resolved = resolveRebuildConfig({
      recorded,
      overrides: {},
      environment: { SITE_URL: 'http://127.0.0.1:8080' },
      remote: true,
      localSiteUrl: 'http://127.0.0.1:8080',
    });
    expect(resolved).toEqual({
      // A record without an id authority minted ids from its own host: that is pinned.
      config: { ...recorded, idAuthority: 'news.example.cn' },
      source: 'recorded',
      ignoredEnvironment: ['SITE_URL'],
    });
  });

  it('lets explicit flags override single keys of the record', () => {
    const resolved = resolveRebuildConfig({
      recorded,
      overrides: { siteUrl: 'https://feeds.example.cn/', title: undefined },
      environment: noEnvironment,
      remote: true,
      localSiteUrl: 'http://127.0.0.1:8080',
    });
    expect(resolved.config).toEqual({
      ...recorded,
      idAuthority: 'news.example.cn',
      siteUrl: 'https://feeds.example.cn',
    });
    expect(resolved.source).toBe('recorded+flags');
  });

  it('takes the media limits, which no record holds, from the environment under the flags', () => {
    const resolved = resolveRebuildConfig({
      recorded,
      overrides: { maxPdfBytes: '209715200' },
      environment: { MAX_IMAGE_PIXELS: '24000000', MAX_PDF_BYTES: '2048', SITE_URL: 'http://127.0.0.1:8080' },
      remote: true,
      localSiteUrl: 'http://127.0.0.1:8080',
    });
    expect(resolved.config).toEqual({
      ...recorded,
      idAuthority: 'news.example.cn',
      maxImagePixels: 24_000_000,
      maxPdfBytes: 209_715_200,
    });
    expect(resolved.ignoredEnvironment).toEqual(['SITE_URL']);
    const unrecorded = resolveRebuildConfig({
      recorded: undefined,
      overrides: { siteUrl: 'https://news.example.cn' },
      environment: { MAX_IMAGE_BYTES: '2097152' },
      remote: true,
      localSiteUrl: 'http://127.0.0.1:8080',
    });
    expect(unrecorded.config.maxImageBytes).toBe(2_097_152);
  });

  it('refuses a remote site with neither a record nor --site-url', () => {
    const resolve = () =>
      resolveRebuildConfig({
        recorded: undefined,
        overrides: { windowIssues: '7' },
        environment: { SITE_URL: 'http://127.0.0.1:8080' },
        remote: true,
        localSiteUrl: 'http://127.0.0.1:8080',
      });
    expect(resolve).toThrow(ConfigError);
    expect(resolve).toThrow(/--site-url/);
  });

  it('takes a remote site without a record from the flags alone', () => {
    const resolved = resolveRebuildConfig({
      recorded: undefined,
      overrides: { siteUrl: 'https://news.example.cn' },
      environment: { WINDOW_ISSUES: '3' },
      remote: true,
      localSiteUrl: 'http://127.0.0.1:8080',
    });
    expect(resolved.config).toEqual(config);
    expect(resolved.source).toBe('flags');
  });

  it('falls back to the environment, then the local URL, for a local site without a record', () => {
    const fromEnvironment = resolveRebuildConfig({
      recorded: undefined,
      overrides: {},
      environment: { SITE_URL: 'https://local.example.cn', WINDOW_ISSUES: '3' },
      remote: false,
      localSiteUrl: 'http://127.0.0.1:8080',
    });
    expect(fromEnvironment.config).toMatchObject({ siteUrl: 'https://local.example.cn', windowIssues: 3 });
    expect(fromEnvironment.source).toBe('environment');
    const local = resolveRebuildConfig({
      recorded: undefined,
      overrides: {},
      environment: noEnvironment,
      remote: false,
      localSiteUrl: 'http://127.0.0.1:8080',
    });
    expect(local.config.siteUrl).toBe('http://127.0.0.1:8080');
    expect(local.source).toBe('local default');
  });
});
