import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSiteHandler } from '../../scripts/lib/local-server.ts';
import { toNodeListener } from '../../scripts/lib/node-http.ts';
import { ensureBrandKit } from '../../shared/branding/write-brand-kit.ts';
import { fixedClock } from '../../shared/clock.ts';
import { parseSiteConfig, type SiteConfig } from '../../shared/config.ts';
import { buildSubscriptionFeeds } from '../../shared/feeds/build-feeds.ts';
import { allSectionsSpec, sectionSlug, sectionSpec } from '../../shared/feeds/feed-spec.ts';
import { silentLog } from '../../shared/log.ts';
import type { PublishedIssue } from '../../shared/model/published.ts';
import { readPageText } from '../../shared/readers/page-text-reader.ts';
import { serveRequest } from '../../shared/serve/serve-request.ts';
import { allSectionsSlug, type FeedFormat, feedContentTypes, feedKey } from '../../shared/site-layout.ts';
import { MemoryStore } from '../../shared/storage/memory-store.ts';
import { publishIssue } from '../serve/serve-fixtures.ts';
import { chromiumPath, launchChromium } from '../support/chromium.ts';
import { beijingTime } from '../support/published-fixtures.ts';

/**
 * The sample's front page in a real browser: headless Chromium from Debian through
 * playwright-core, served by serveRequest over node:http on loopback. Screenshots (desktop and a
 * 390 px phone) land in test-artifacts/ for a human look at the CJK layout.
 */
const hasChromium = chromiumPath !== undefined;
if (!hasChromium)
  console.warn('browser test skipped: no Chromium at /usr/bin/chromium (.ci/run installs it)');

const artifacts = new URL('../../test-artifacts/', import.meta.url);

/** The sample page as publishing would store it: times 05:00 Beijing, one second apart. */
const publishedSample = (config: SiteConfig): PublishedIssue => {
  const text = readFileSync(
    new URL('../fixtures/quzhou-daily-2024-11-30-page01.txt', import.meta.url),
    'utf8',
  );
  const issue = readPageText(text, { date: '2024-11-30', page: 1 });
  let order = 0;
  const pages = issue.pages.map((page) => ({
    ...page,
    sectionSlug: sectionSlug(page.section, config),
    source: 'incoming/2024-11-30/01.txt',
    articles: page.articles.map(({ photos: _refs, ...article }) => {
      const published = beijingTime(issue.date, '05:00', order);
      return {
        ...article,
        order: order++,
        published,
        updated: published,
        contentHash: `sample-${article.id}`,
        status: 'published' as const,
      };
    }),
  }));
  const { pages: _pages, ...rest } = issue;
  return { schemaVersion: 1, ...rest, pages, updated: beijingTime(issue.date, '05:00', 0) };
};

describe('article page in Chromium', () => {
  let server: Server;
  let context: BrowserContext;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let siteUrl: string;
  let issue: PublishedIssue;

  beforeAll(async () => {
    if (!hasChromium) return;
    const store = new MemoryStore();
    let config: SiteConfig | undefined;
    server = createServer(
      // Feeds are static objects (S3 behind CloudFront): the local server's site handler plays that part.
      toNodeListener(
        createSiteHandler(store, (request) =>
          serveRequest(
            { site: store, config: config!, clock: fixedClock('2024-12-02T09:00:00+08:00'), log: silentLog },
            request,
          ),
        ),
        { origin: () => siteUrl, onError: (error) => console.error(error) },
      ),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    config = parseSiteConfig({ siteUrl });
    issue = publishedSample(config);
    await publishIssue(store, issue);
    await ensureBrandKit(store, config, silentLog);
    for (const spec of [allSectionsSpec(config), sectionSpec('要闻', config)]) {
      const documents = buildSubscriptionFeeds(spec, [issue], {}, config);
      for (const format of ['rss', 'atom', 'json'] as FeedFormat[])
        await store.put(feedKey(spec.slug, format), documents[format], {
          contentType: feedContentTypes[format],
          cacheControl: 'public, max-age=300',
        });
    }
    browser = await launchChromium({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    context = browser.context;
    mkdirSync(artifacts, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it.skipIf(!hasChromium)('shows the sample article with its byline, styled under the CSP', async () => {
    const article = issue.pages[0]!.articles.find((a) => a.title === '高屹率团赴韩国开展经贸考察访问')!;
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    const response = await page.goto(`${siteUrl}/articles/2024-11-30/${article.id}`);
    expect(response?.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe('高屹率团赴韩国开展经贸考察访问');
    expect(await page.locator('.byline').textContent()).toMatch(/记者\s*徐颖之/);
    expect(await page.locator('.subtitle').textContent()).toBe(
      '扎实推进高水平对外开放 加快培育高质量发展新动能',
    );
    expect(await page.locator('.article-body p').count()).toBe(article.paragraphs.length);
    // The inline stylesheet applied: the CSP hash matches the bytes served.
    expect(await page.evaluate(() => getComputedStyle(document.body).lineHeight)).not.toBe('normal');
    expect(violations).toEqual([]);
    await page.screenshot({ path: new URL('article-page-desktop.png', artifacts).pathname, fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    // Nothing wider than a phone: no sideways scrolling.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: new URL('article-page-phone.png', artifacts).pathname, fullPage: false });
    await page.close();
  });

  it.skipIf(!hasChromium)('follows the feed autodiscovery links to real feed documents', async () => {
    const article = issue.pages[0]!.articles.find((a) => a.title === '高屹率团赴韩国开展经贸考察访问')!;
    const page = await context.newPage();
    await page.goto(`${siteUrl}/articles/2024-11-30/${article.id}`);
    const links = await page.$$eval('link[rel="alternate"]', (nodes) =>
      nodes.map((n) => ({ type: n.getAttribute('type'), href: (n as HTMLLinkElement).href })),
    );
    expect(links.map((l) => l.href)).toContain(`${siteUrl}/${feedKey(allSectionsSlug, 'rss')}`);
    expect(links).toHaveLength(6);
    // The first link is the section's RSS feed; navigate to it as a reader would.
    const rss = links[0]!;
    expect(rss.type).toBe('application/rss+xml');
    const feed = await context.request.get(rss.href);
    expect(feed.status()).toBe(200);
    expect(feed.headers()['content-type']).toBe('application/rss+xml; charset=utf-8');
    const body = await feed.text();
    expect(body).toContain(`${siteUrl}/articles/2024-11-30/${article.id}`);
    for (const link of links) {
      const answer = await context.request.get(link.href);
      expect(answer.status(), link.href).toBe(200);
      expect(answer.headers()['content-type']?.split(';')[0], link.href).toBe(link.type);
    }
    await page.close();
  });

  it.skipIf(!hasChromium)('names icons in the head that load as images under the CSP', async () => {
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(`${siteUrl}/`);
    // Each icon decoded by the page itself, so the page's CSP (img-src) applies to the load.
    const icons = await page.$$eval('link[rel="icon"], link[rel="apple-touch-icon"]', (nodes) =>
      Promise.all(
        nodes.map(async (node) => {
          const href = (node as HTMLLinkElement).href;
          const image = new Image();
          image.src = href;
          try {
            await image.decode();
            return {
              rel: node.getAttribute('rel'),
              href,
              width: image.naturalWidth,
              height: image.naturalHeight,
            };
          } catch {
            return { rel: node.getAttribute('rel'), href, width: 0, height: 0 };
          }
        }),
      ),
    );
    expect(icons.map((i) => i.rel)).toEqual(['icon', 'icon', 'apple-touch-icon']);
    for (const icon of icons) expect(icon.href.startsWith(`${siteUrl}/brand/`), icon.href).toBe(true);
    // The ICO holds 32 and 64 px images: Chromium decodes the largest.
    expect(icons.map((i) => [i.width, i.height])).toEqual([
      [64, 64],
      [64, 64],
      [180, 180],
    ]);
    expect(violations).toEqual([]);
    await page.close();
  });

  it.skipIf(!hasChromium)('shows the contents page with the article linked', async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${siteUrl}/`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: new URL('contents-page-phone.png', artifacts).pathname, fullPage: true });
    await page.getByRole('link', { name: '高屹率团赴韩国开展经贸考察访问' }).click();
    await page.waitForURL(/\/articles\/2024-11-30\/p1-/);
    expect(await page.locator('h1').textContent()).toBe('高屹率团赴韩国开展经贸考察访问');
    await page.close();
  });
});
