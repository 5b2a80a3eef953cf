import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launchChromium } from '../support/chromium.ts';
import { type StartedSite, startSite } from './support/local-site.ts';
import { warnMissing } from './support/tools.ts';

if (chromiumPath === undefined) warnMissing('chromium', 'chromium');

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const artifact = join(repoRoot, 'test-artifacts', 'e2e-article.png');

/** The first item of an RSS document: its link and title (entities decoded). */
const firstRssItem = (rss: string) => {
  const item = /<item>([\s\S]*?)<\/item>/.exec(rss)?.[1] ?? '';
  const field = (name: string) => {
    const raw = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(item)?.[1] ?? '';
    return raw
      .replace(/^<!\[CDATA\[([\s\S]*)\]\]>$/, '$1')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;|&apos;/g, "'")
      .replace(/&amp;/g, '&')
      .trim();
  };
  return { link: field('link'), title: field('title') };
};

describe.skipIf(chromiumPath === undefined)('Chromium reads the site like a person', () => {
  let started: StartedSite;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let context: BrowserContext;

  beforeAll(async () => {
    started = await startSite();
    browser = await launchChromium({ viewport: { width: 800, height: 1000 } });
    context = browser.context;
  });
  afterAll(async () => {
    await browser?.close();
    await started?.close();
  });

  it('opens the home page, with links to the OPML, and clicks through to an article', async () => {
    const page = await context.newPage();
    const response = await page.goto(`${started.publisher.url}/`);
    expect(response?.status()).toBe(200);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.locator('a[href*="/articles/2024-11-30/"]').count()).toBeGreaterThan(0);
    expect(await page.locator('a[href$="feeds.opml"]').count()).toBeGreaterThan(0);
    // A reader clicks the first headline and lands on that article.
    const first = page.locator('main a[href*="/articles/2024-11-30/p"]').first();
    const headline = ((await first.textContent()) ?? '').trim();
    await Promise.all([page.waitForURL(/\/articles\/2024-11-30\/p\d+-[0-9a-f]+$/), first.click()]);
    expect(((await page.locator('h1').first().textContent()) ?? '').trim()).toBe(headline);
    await page.close();
  });

  it('follows the first item of the all-sections feed to its article page', async () => {
    const rss = await (await fetch(`${started.publisher.url}/feeds/all/rss.xml`)).text();
    const item = firstRssItem(rss);
    expect(item.link.startsWith(`${started.publisher.url}/articles/2024-11-30/`)).toBe(true);

    const page = await context.newPage();
    const response = await page.goto(item.link);
    expect(response?.status()).toBe(200);
    // Title as in the feed; byline as in the article record (every contributor named, visible).
    const record = (await (await fetch(`${item.link}.json`)).json()) as {
      article: { title: string; byline: { name: string }[] };
    };
    expect(((await page.locator('h1').first().textContent()) ?? '').trim()).toBe(item.title);
    expect(record.article.title).toBe(item.title);
    expect(record.article.byline.length).toBeGreaterThan(0);
    const byline = page.locator('.byline').first();
    expect(await byline.isVisible()).toBe(true);
    for (const { name } of record.article.byline) expect(await byline.textContent()).toContain(name);

    // Autodiscovery: the section feed and the all-sections feed, each answering 200.
    const alternates = await page
      .locator('link[rel="alternate"]')
      .evaluateAll((links) =>
        links.map((l) => ({ type: l.getAttribute('type'), href: (l as HTMLLinkElement).href })),
      );
    const feeds = alternates.filter((a) => /rss\+xml|atom\+xml|feed\+json/.test(a.type ?? ''));
    expect(feeds.map((f) => f.href)).toContain(`${started.publisher.url}/feeds/all/rss.xml`);
    expect(feeds.some((f) => !f.href.includes('/feeds/all/'))).toBe(true);
    for (const feed of feeds) expect((await fetch(feed.href)).status, feed.href).toBe(200);

    await mkdir(join(repoRoot, 'test-artifacts'), { recursive: true });
    const png = await page.screenshot({ path: artifact, fullPage: false });
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // Refreshing the README's picture is a deliberate step, so a test run never dirties the tree.
    if (process.env.E2E_UPDATE_SCREENSHOT === '1') {
      await copyFile(artifact, join(repoRoot, 'docs', 'screenshot-article.png'));
    }
    await page.close();
  });
});
