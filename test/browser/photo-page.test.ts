import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toNodeListener } from '../../scripts/lib/node-http.ts';
import { fixedClock } from '../../shared/clock.ts';
import { parseSiteConfig, type SiteConfig } from '../../shared/config.ts';
import { silentLog } from '../../shared/log.ts';
import type { PublishedIssue, PublishedPhoto } from '../../shared/model/published.ts';
import { serveRequest } from '../../shared/serve/serve-request.ts';
import { cachePolicies } from '../../shared/site-layout.ts';
import { MemoryStore } from '../../shared/storage/memory-store.ts';
import { publishIssue } from '../serve/serve-fixtures.ts';
import { chromiumPath, launchChromium } from '../support/chromium.ts';
import { frontPagePhoto, makeFacsimile, makePhoto, photoJpeg } from '../support/photo-fixtures.ts';
import { makeIssue } from '../support/published-fixtures.ts';

/**
 * An article page with photos in headless Chromium: the renditions are real pictures made here
 * with sharp and served on loopback under their media keys (as CloudFront serves media/*), the
 * page through serveRequest with its CSP. Screenshots land in test-artifacts/.
 */
const hasChromium = chromiumPath !== undefined;
if (!hasChromium)
  console.warn('browser test skipped: no Chromium at /usr/bin/chromium (.ci/run installs it)');

const artifacts = new URL('../../test-artifacts/', import.meta.url);

/** Every rendition of a photo as real bytes of its recorded size and format. */
const picturesOf = async (photo: PublishedPhoto): Promise<Map<string, { bytes: Buffer; type: string }>> => {
  const pictures = new Map<string, { bytes: Buffer; type: string }>();
  const renditions = [
    photo.large,
    photo.thumbnail,
    ...(photo.webp ? [photo.webp.large, photo.webp.thumbnail] : []),
  ];
  for (const r of renditions) {
    const jpeg = await photoJpeg(r.width, r.height);
    const bytes = r.type === 'image/webp' ? await sharp(jpeg).webp({ quality: 80 }).toBuffer() : jpeg;
    pictures.set(r.key, { bytes, type: r.type });
  }
  return pictures;
};

describe('article page with photos in Chromium', () => {
  let server: Server;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let siteUrl: string;
  let issue: PublishedIssue;
  const media = new Map<string, { bytes: Buffer; type: string }>();

  beforeAll(async () => {
    if (!hasChromium) return;
    const store = new MemoryStore();
    let config: SiteConfig | undefined;
    const pages = (request: Request) =>
      serveRequest(
        { site: store, config: config!, clock: fixedClock('2024-12-02T09:00:00+08:00'), log: silentLog },
        request,
      );
    server = createServer(
      toNodeListener(
        async (request) => {
          const key = new URL(request.url).pathname.slice(1);
          const picture = media.get(key);
          if (picture === undefined) return pages(request);
          return new Response(new Uint8Array(picture.bytes), {
            headers: { 'content-type': picture.type, 'cache-control': cachePolicies.immutable },
          });
        },
        { origin: () => siteUrl, onError: (error) => console.error(error) },
      ),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    config = parseSiteConfig({ siteUrl });
    issue = makeIssue('2024-11-30');
    const article = issue.pages[0]!.articles[0]!;
    article.photos = [
      frontPagePhoto(),
      makePhoto('第二张', {
        caption: '第二张照片',
        credit: { printed: '通讯员 王波 摄', photographers: ['王波'] },
        aspect: 1.25,
      }),
    ];
    issue.pages[0]!.facsimile = makeFacsimile(1, 'image');
    for (const photo of article.photos)
      for (const [key, picture] of await picturesOf(photo)) media.set(key, picture);
    const thumb = issue.pages[0]!.facsimile.thumbnail!;
    media.set(thumb.key, { bytes: await photoJpeg(thumb.width, thumb.height), type: 'image/jpeg' });
    await publishIssue(store, issue);
    browser = await launchChromium({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    mkdirSync(artifacts, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it.skipIf(!hasChromium)(
    'loads the photos under the page CSP, WebP first, at their reserved size',
    async () => {
      const article = issue.pages[0]!.articles[0]!;
      const page = await browser!.context.newPage();
      const violations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
      });
      const response = await page.goto(`${siteUrl}/articles/2024-11-30/${article.id}`);
      expect(response?.status()).toBe(200);
      const first = page.locator('figure.photo img').first();
      // The lead picture is not lazy: it has loaded by the time the page has.
      await first.evaluate((img: HTMLImageElement) => img.decode());
      const loaded = await first.evaluate((img: HTMLImageElement) => ({
        naturalWidth: img.naturalWidth,
        currentSrc: img.currentSrc,
        ratio: img.getBoundingClientRect().height / img.getBoundingClientRect().width,
      }));
      expect(loaded.naturalWidth).toBeGreaterThan(0);
      // Chromium takes WebP from <source>.
      expect(loaded.currentSrc).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/media\/[0-9a-f]{16}\/\d+\.webp$/);
      expect(loaded.ratio).toBeCloseTo(900 / 1200, 2);
      expect(await page.locator('figure.photo figcaption').first().textContent()).toBe(
        '古城韵味 大美衢州 · 记者 刘芸 摄',
      );
      expect(violations).toEqual([]);
      await page.screenshot({
        path: new URL('photo-article-desktop.png', artifacts).pathname,
        fullPage: true,
      });

      await page.setViewportSize({ width: 390, height: 844 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      // Scrolled into view, the lazy second picture loads too.
      const second = page.locator('figure.photo img').nth(1);
      await second.scrollIntoViewIfNeeded();
      await second.evaluate((img: HTMLImageElement) => img.decode());
      expect(await second.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
      await page.screenshot({ path: new URL('photo-article-phone.png', artifacts).pathname, fullPage: true });
      await page.close();
    },
  );

  it.skipIf(!hasChromium)('shows the page facsimile thumbnail on the contents page', async () => {
    const page = await browser!.context.newPage();
    await page.goto(`${siteUrl}/articles/2024-11-30/`);
    const thumb = page.locator('figure.facsimile img');
    await thumb.evaluate((img: HTMLImageElement) => img.decode());
    expect(await thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(278);
    await page
      .getByRole('link', { name: /下一版/ })
      .first()
      .click();
    await page.waitForURL(/#page-2$/);
    await page.screenshot({ path: new URL('contents-facsimile.png', artifacts).pathname, fullPage: true });
    await page.close();
  });
});
