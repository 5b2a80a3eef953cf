import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type ContextSource,
  contextKeys,
  deployTimeSiteUrlStandIn,
  functionEnvironment,
  readStackSettings,
} from '../../infra/context-config.ts';
import { brandKitId } from '../../shared/branding/brand-assets.ts';
import { ConfigError } from '../../shared/errors.ts';

const context = (values: Record<string, unknown>): ContextSource => ({
  tryGetContext: (key) => values[key],
});

describe('readStackSettings', () => {
  it('takes every default from the shared schema when no context is given', () => {
    const settings = readStackSettings(context({}));
    expect(settings).toEqual({
      config: {
        siteUrl: deployTimeSiteUrlStandIn,
        title: '衢州日报',
        timeZone: 'Asia/Shanghai',
        publicationTime: '05:00',
        windowIssues: 7,
        maxFeedBytes: 524_288,
        maxUploadBytes: 10_485_760,
        maxImageBytes: 41_943_040,
        maxImagePixels: 100_000_000,
        maxPdfBytes: 104_857_600,
        sectionSlugs: {},
        accentColor: '#b8202a',
        maxDaysAhead: 7,
        firstIssueDate: '1949-01-01',
      },
      customDomain: undefined,
      alarmEmail: undefined,
      deskEmail: undefined,
      buildReservedConcurrency: undefined,
      serveReservedConcurrency: 20,
      logLevel: 'INFO',
    });
  });

  it('caps the permalink function by default, takes another cap, or none when told off', () => {
    expect(readStackSettings(context({})).serveReservedConcurrency).toBe(20);
    expect(readStackSettings(context({ serveReservedConcurrency: '50' })).serveReservedConcurrency).toBe(50);
    expect(readStackSettings(context({ serveReservedConcurrency: 'off' })).serveReservedConcurrency).toBe(
      undefined,
    );
    for (const bad of ['0', '1001', '2.5', 'lots'])
      expect(() => readStackSettings(context({ serveReservedConcurrency: bad })), bad).toThrow(
        /serveReservedConcurrency/,
      );
  });

  it("reads the functions' log level and the desk e-mail, refusing what they cannot be", () => {
    const settings = readStackSettings(context({ logLevel: 'debug', deskEmail: 'desk@example.cn' }));
    expect(settings.logLevel).toBe('DEBUG');
    expect(settings.deskEmail).toBe('desk@example.cn');
    expect(() => readStackSettings(context({ logLevel: 'verbose' }))).toThrow(/logLevel/);
    expect(() => readStackSettings(context({ deskEmail: 'the desk' }))).toThrow(/deskEmail/);
  });

  it('names the branding kit of the logo file given, in the accent colour given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'logo-'));
    const logo = join(dir, 'logo.svg');
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>';
    writeFileSync(logo, svg);
    const settings = readStackSettings(context({ logo, accentColor: '#123456', indexNowKey: 'abcdef12' }));
    expect(settings.config.brandKit).toBe(brandKitId(svg, '#123456'));
    expect(settings.config.indexNowKey).toBe('abcdef12');
    expect(() => readStackSettings(context({ logo: join(dir, 'missing.svg') }))).toThrow(/cannot read/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts typed cdk.json values and -c strings alike', () => {
    const fromJson = readStackSettings(
      context({ windowIssues: 14, maxFeedBytes: 1_048_576, sectionSlugs: { 要闻: 'news' } }),
    );
    const fromCli = readStackSettings(
      context({ windowIssues: '14', maxFeedBytes: '1048576', sectionSlugs: '{"要闻":"news"}' }),
    );
    expect(fromCli.config).toEqual(fromJson.config);
    expect(fromJson.config.windowIssues).toBe(14);
    expect(fromJson.config.sectionSlugs).toEqual({ 要闻: 'news' });
  });

  it('takes the media limits from cdk.json values and -c strings', () => {
    const fromCli = readStackSettings(
      context({ maxImageBytes: '2097152', maxImagePixels: '24000000', maxPdfBytes: '209715200' }),
    );
    const { maxImageBytes, maxImagePixels, maxPdfBytes } = fromCli.config;
    expect({ maxImageBytes, maxImagePixels, maxPdfBytes }).toEqual({
      maxImageBytes: 2_097_152,
      maxImagePixels: 24_000_000,
      maxPdfBytes: 209_715_200,
    });
    expect(
      readStackSettings(
        context({ maxImageBytes: 2_097_152, maxImagePixels: 24_000_000, maxPdfBytes: 209_715_200 }),
      ).config,
    ).toEqual(fromCli.config);
  });

  it('derives the site URL from a custom domain, lower-cased', () => {
    const settings = readStackSettings(
      context({
        domainName: 'Feeds.Example.CN',
        certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0123abcd-4567-89ab-cdef-0123456789ab',
      }),
    );
    expect(settings.config.siteUrl).toBe('https://feeds.example.cn');
    expect(settings.customDomain?.domainName).toBe('feeds.example.cn');
  });

  it('treats empty -c values as absent', () => {
    const settings = readStackSettings(context({ websubHub: '', alarmEmail: '', domainName: '' }));
    expect(settings.config.websubHub).toBeUndefined();
    expect(settings.alarmEmail).toBeUndefined();
    expect(settings.customDomain).toBeUndefined();
  });

  it.each([
    [{ siteTitle: 42 }, /siteTitle must be a string/],
    [{ windowIssues: 'seven' }, /windowIssues/],
    [{ maxFeedBytes: 1000 }, /maxFeedBytes/],
    [{ maxImagePixels: '500' }, /maxImagePixels/],
    [{ maxPdfBytes: 'big' }, /maxPdfBytes/],
    [{ timeZone: 'Europe/London' }, /timeZone/],
    [{ websubHub: 'ftp://hub.example' }, /websubHub/],
    [{ sectionSlugs: '{"要闻":"Not A Slug"}' }, /sectionSlugs/],
    [{ certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/x' }, /go together/],
    [{ domainName: '*.example.cn', certificateArn: 'arn' }, /not a DNS name/],
  ])('rejects %j with a ConfigError naming the key', (values, message) => {
    expect(() => readStackSettings(context(values))).toThrow(ConfigError);
    expect(() => readStackSettings(context(values))).toThrow(message);
  });

  it('documents every key it reads', () => {
    const read = new Set<string>();
    readStackSettings({
      tryGetContext: (key) => {
        read.add(key);
        return undefined;
      },
    });
    expect([...read].sort()).toEqual(Object.keys(contextKeys).sort());
  });
});

describe('functionEnvironment', () => {
  const { config } = readStackSettings(context({}));

  it('never passes the validation stand-in to a function', () => {
    const env = functionEnvironment(config, undefined);
    expect(env.SITE_URL).toBeUndefined();
    expect(JSON.stringify(env)).not.toContain('.invalid');
  });

  it('sets the site URL it is given, token or literal', () => {
    expect(functionEnvironment(config, 'https://feeds.example.cn').SITE_URL).toBe('https://feeds.example.cn');
  });
});
