import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { brandAssets } from '../../shared/branding/brand-assets.ts';
import { atomRenderer } from '../../shared/feeds/atom.ts';
import { buildSubscriptionFeeds, type FeedDocuments } from '../../shared/feeds/build-feeds.ts';
import { sanitizeHead } from '../../shared/feeds/feed-document.ts';
import { createItemCache, windowItems } from '../../shared/feeds/feed-items.ts';
import { mediaRssNamespace } from '../../shared/feeds/feed-photos.ts';
import { allSectionsSpec, sectionSpec } from '../../shared/feeds/feed-spec.ts';
import { jsonFeedRenderer } from '../../shared/feeds/json-feed.ts';
import { rssRenderer } from '../../shared/feeds/rss.ts';
import { plainText } from '../../shared/feeds/xml-text.ts';
import { makePhoto } from '../support/photo-fixtures.ts';
import { photoIssue, richIssue, siteUrl, testConfig } from './feed-fixtures.ts';
import { parseXml, textOf } from './xml-check.ts';

// biome-ignore lint/suspicious/noExplicitAny: parsed documents are untyped trees
type Tree = any;

const config = testConfig();
const spec = sectionSpec('要闻', config);
const docs = buildSubscriptionFeeds(spec, [photoIssue()], {}, config);
const issue = photoIssue();
const front = issue.pages[0]!;
const lead = front.articles.find((a) => a.id === 'p1-0a0a0a0a')!;
const photoArticle = front.articles.find((a) => a.id === 'p1-0c0c0c0c')!;
const url = (key: string) => `${siteUrl}/${key}`;

const rssItem = (d: FeedDocuments, id: string): Tree =>
  parseXml(d.rss).rss.channel.item.find((i: Tree) => textOf(i.guid).endsWith(`:${id}`));
const atomEntry = (d: FeedDocuments, id: string): Tree =>
  parseXml(d.atom).feed.entry.find((e: Tree) => e.id.endsWith(`:${id}`));
const jsonItem = (d: FeedDocuments, id: string): Tree =>
  JSON.parse(d.json).items.find((i: Tree) => i.id.endsWith(`:${id}`));
/** `src` of every inline image of a content HTML fragment. */
const inlineSources = (html: string) => [...html.matchAll(/<img src='([^']*)'/g)].map((m) => m[1]);

describe('photos in RSS', () => {
  it('gives a photo item exactly one enclosure: the first photo, with its real length and type', () => {
    const item = rssItem(docs, lead.id);
    expect(item.enclosure).toEqual([
      { '@url': url(lead.photos![0]!.large.key), '@length': '141234', '@type': 'image/jpeg' },
    ]);
    expect(rssItem(docs, 'p1-0d0d0d0d').enclosure).toBeUndefined();
  });

  it('describes every photo with Media RSS: size, caption, photographers and thumbnail', () => {
    const [first, second] = rssItem(docs, lead.id)['media:content'];
    expect(first).toMatchObject({
      '@url': url(lead.photos![0]!.large.key),
      '@medium': 'image',
      '@type': 'image/jpeg',
      '@width': '1200',
      '@height': '900',
      '@fileSize': '141234',
      'media:description': { '#text': '古城韵味 大美衢州', '@type': 'plain' },
      'media:credit': [{ '#text': '刘芸', '@role': 'photographer', '@scheme': 'urn:ebu' }],
      'media:thumbnail': { '@url': url(lead.photos![0]!.thumbnail.key), '@width': '400', '@height': '300' },
    });
    // A credit that names no photographer is given as printed, without the photographer role.
    expect(second['media:credit']).toEqual(['本报资料图片']);
    expect(textOf(second['media:description'])).toBe(plainText(lead.photos![1]!.caption!));
  });

  it('declares Media RSS on the items that use it and leaves other items and the channel as they were', () => {
    const plain = buildSubscriptionFeeds(spec, [richIssue()], {}, config);
    const channelHead = (rss: string) => rss.slice(0, rss.indexOf('<item'));
    expect(channelHead(docs.rss)).toBe(channelHead(plain.rss));
    expect(docs.rss).toContain(`<item xmlns:media="${mediaRssNamespace}">`);
    const items = (rss: string) => rss.split(/(?=<item)/).slice(1);
    const untouched = items(plain.rss).filter((i) => !i.includes(lead.id) && !i.includes(photoArticle.id));
    expect(untouched.length).toBeGreaterThan(0);
    for (const item of untouched) expect(items(docs.rss)).toContain(item);
  });
});

describe('photos in Atom and JSON Feed', () => {
  it('links every photo as an Atom enclosure with its length and type', () => {
    const links = atomEntry(docs, lead.id).link.filter((l: Tree) => l['@rel'] === 'enclosure');
    expect(links.map((l: Tree) => [l['@href'], l['@type'], l['@length']])).toEqual(
      lead.photos!.map((p) => [url(p.large.key), 'image/jpeg', String(p.large.bytes)]),
    );
    expect(links[0]['@title']).toBe('古城韵味 大美衢州');
    expect(atomEntry(docs, 'p1-0d0d0d0d').link.filter((l: Tree) => l['@rel'] === 'enclosure')).toEqual([]);
  });

  it('gives JSON Feed items an image and attachments, and no banner_image', () => {
    const item = jsonItem(docs, lead.id);
    expect(item.image).toBe(url(lead.photos![0]!.large.key));
    expect(item.banner_image).toBeUndefined();
    expect(item.attachments).toEqual([
      {
        url: url(lead.photos![0]!.large.key),
        mime_type: 'image/jpeg',
        title: '古城韵味 大美衢州',
        size_in_bytes: 141234,
      },
      {
        url: url(lead.photos![1]!.large.key),
        mime_type: 'image/jpeg',
        title: plainText(lead.photos![1]!.caption!),
        size_in_bytes: 141234,
      },
    ]);
    const without = jsonItem(docs, 'p1-0d0d0d0d');
    expect('image' in without || 'attachments' in without).toBe(false);
  });
});

describe('photos in the content', () => {
  it('shows each photo once, inline, at the URL every media element names', () => {
    const rssHtml = textOf(rssItem(docs, lead.id)['content:encoded']);
    const jsonHtml = jsonItem(docs, lead.id).content_html;
    expect(jsonHtml).toBe(rssHtml);
    expect(textOf(atomEntry(docs, lead.id).content)).toBe(rssHtml);
    expect(inlineSources(rssHtml)).toEqual(lead.photos!.map((p) => url(p.large.key)));
    expect(rssHtml).toContain(
      `<figure><img src='${url(lead.photos![0]!.large.key)}' width='1200' height='900' alt='古城韵味 大美衢州'><figcaption>古城韵味 大美衢州 · 记者 刘芸 摄</figcaption></figure>`,
    );
    // Neither the WebP nor the thumbnail reaches a feed's content: one URL per photo.
    expect(rssHtml).not.toMatch(/\.webp|\/400\.jpg|srcset|loading=/);
  });

  it('does not repeat a photo article caption that its figure already shows', () => {
    const html = jsonItem(docs, photoArticle.id).content_html as string;
    // Once as text (the figcaption); alt is the same words for whoever cannot see the picture.
    expect(html.replace(/ alt='[^']*'/g, '').split(photoArticle.caption!).length - 1).toBe(1);
    expect(html).not.toContain("class='caption'");
    // Without photos the caption paragraph is still there.
    const plain = buildSubscriptionFeeds(spec, [richIssue()], {}, config);
    expect(jsonItem(plain, photoArticle.id).content_html).toContain("<p class='caption'>");
  });

  it('falls back to the title for alt when a photo has no caption', () => {
    const bare = richIssue();
    const article = bare.pages[0]!.articles[3]!;
    article.photos = [makePhoto('无说明')];
    const html = jsonItem(buildSubscriptionFeeds(spec, [bare], {}, config), article.id).content_html;
    expect(html).toContain(`alt='${article.title}'>`);
    expect(html).not.toContain('<figcaption>');
  });
});

describe('photo items and the machinery', () => {
  const head = sanitizeHead({
    id: `${siteUrl}/feeds/all/atom.xml`,
    title: '要闻',
    description: '要闻',
    paperName: '衢州日报',
    siteUrl,
    links: { self: `${siteUrl}/a`, home: `${siteUrl}/` },
    archive: false,
    brand: brandAssets(config),
  });

  it('sizes photo fragments at exactly their UTF-8 length, whatever the caption', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.string({ unit: 'binary', maxLength: 20 }),
        (caption, name) => {
          const withText = richIssue();
          withText.pages[0]!.articles[0]!.photos = [
            makePhoto('任意', { caption, credit: { printed: `${name} 摄`, photographers: [name] } }),
          ];
          for (const item of windowItems(allSectionsSpec(config), [withText], config).filter(
            (i) => i.photos,
          )) {
            for (const renderer of [rssRenderer, atomRenderer, jsonFeedRenderer]) {
              const { text, bytes } = renderer.fragment(item, head);
              expect(bytes).toBe(Buffer.byteLength(text, 'utf8'));
            }
          }
          const d = buildSubscriptionFeeds(allSectionsSpec(config), [withText], {}, config);
          parseXml(d.rss);
          parseXml(d.atom);
          expect(d.json).toBe(JSON.stringify(JSON.parse(d.json)));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('serves no cached item of the article before its photo was attached or replaced', () => {
    const cache = createItemCache(config);
    const all = allSectionsSpec(config);
    buildSubscriptionFeeds(all, [richIssue()], {}, config, cache);
    const attached = photoIssue();
    expect(buildSubscriptionFeeds(all, [attached], {}, config, cache)).toEqual(
      buildSubscriptionFeeds(all, [attached], {}, config),
    );
    const replaced = photoIssue();
    replaced.pages[0]!.articles[0]!.photos![0] = makePhoto('新照片', { caption: '新的说明' });
    expect(buildSubscriptionFeeds(all, [replaced], {}, config, cache).rss).toContain('新的说明');
  });

  it('gives byte-identical documents for the same photos', () => {
    expect(buildSubscriptionFeeds(spec, [photoIssue()], {}, config)).toEqual(docs);
    expect(issue).toEqual(photoIssue());
  });
});
