import { extractFromJson, extractFromXml, type FeedData, type FeedEntry } from '@extractus/feed-extractor';
import { describe, expect, it } from 'vitest';
import { buildSubscriptionFeeds } from '../../shared/feeds/build-feeds.ts';
import { allSectionsSpec, sectionSpec } from '../../shared/feeds/feed-spec.ts';
import type { PublishedArticle } from '../../shared/model/published.ts';
import { hostileText } from '../support/published-fixtures.ts';
import {
  hostileIssue,
  richIssue,
  richItemIds,
  richRetractedId,
  siteUrl,
  testConfig,
} from './feed-fixtures.ts';

/**
 * Our feeds read by @extractus/feed-extractor, a reader-grade parser that (unlike rss-parser)
 * reads JSON Feed as well as RSS and Atom, with its default options — what an app built on it
 * shows: titles, links, ids, the instant of each item, a plain-text description.
 */

const hub = 'https://hub.example.net/';
const config = testConfig({ websubHub: hub });
const issue = richIssue();
const docs = buildSubscriptionFeeds(allSectionsSpec(config), [issue], {}, config);

const articles = new Map<string, PublishedArticle>(
  issue.pages.flatMap((page) => page.articles.map((article) => [article.id, article] as const)),
);
const article = (id: string) => articles.get(id)!;
const tagId = (id: string) => `tag:news.example.cn,${issue.date}:${id}`;

/** Hubs the way a reader discovers them: JSON `hubs`, or an Atom/RSS `<link rel="hub">`. */
const hubsOf = (feed: Record<string, unknown>): string[] => {
  if (Array.isArray(feed.hubs)) return feed.hubs.map((h: { url: string }) => h.url);
  const links = [feed.link, feed['atom:link']].flat().filter(Boolean) as Array<Record<string, string>>;
  return links.filter((l) => l['@_rel'] === 'hub').map((l) => l['@_href'] ?? '');
};

const read: Record<'json' | 'rss' | 'atom', FeedData> = {
  json: extractFromJson(docs.json, { getExtraFeedFields: (feed) => ({ hubs: hubsOf(feed) }) }),
  rss: extractFromXml(docs.rss, { getExtraFeedFields: (feed) => ({ hubs: hubsOf(feed) }) }),
  atom: extractFromXml(docs.atom, { getExtraFeedFields: (feed) => ({ hubs: hubsOf(feed) }) }),
};
const entriesOf = (feed: FeedData): FeedEntry[] => feed.entries ?? [];

describe('a reader-grade parser (feed-extractor) reads the JSON Feed', () => {
  const feed = read.json;

  it('reads the feed title, home page, description and language', () => {
    expect(feed.title).toBe('衢州日报 · 全部版面');
    expect(feed.link).toBe(`${siteUrl}/`);
    expect(feed.description).toBe('衢州日报 全部版面全文');
    expect(feed.language).toBe('zh-CN');
  });

  it('finds the WebSub hub the feed advertises', () => {
    expect(feed.hubs).toEqual([hub]);
  });

  it('reads every item once, with our stable ids, in reading order, without teaser or retraction', () => {
    expect(entriesOf(feed).map((e) => e.id)).toEqual(richItemIds.map(tagId));
    expect(entriesOf(feed).some((e) => e.id === tagId(richRetractedId))).toBe(false);
  });

  it('reads titles and absolute permalinks', () => {
    for (const entry of entriesOf(feed)) {
      const id = entry.id.slice(entry.id.lastIndexOf(':') + 1);
      expect(entry.title).toBe(article(id).title);
      expect(entry.link).toBe(`${siteUrl}/articles/${issue.date}/${id}`);
    }
  });

  it('reads each item at the instant of its +08:00 publication time', () => {
    for (const entry of entriesOf(feed)) {
      const id = entry.id.slice(entry.id.lastIndexOf(':') + 1);
      const published = article(id).published;
      expect(published).toMatch(/\+08:00$/);
      expect(entry.published).toBe(new Date(published).toISOString());
    }
    // 05:00 in Beijing is 21:00 UTC the day before: no 8-hour error.
    expect(entriesOf(feed)[0]!.published).toBe('2024-11-29T21:00:00.000Z');
  });

  it('shows the article text, tags stripped, as the description', () => {
    const [first, photo] = entriesOf(feed);
    const lead = article(richItemIds[0]!);
    // The reader truncates to 250 characters by default; the start is what a list shows.
    expect(first!.description).toContain(lead.paragraphs[0]!.slice(0, 40));
    expect(first!.description).not.toMatch(/<[a-z/]/i);
    expect(photo!.description).toContain('11月29日,衢江两岸层林尽染。');
  });

  it('reads hostile titles as literal text', () => {
    const hostile = hostileIssue();
    const section = hostile.pages[0]!.section;
    const json = buildSubscriptionFeeds(sectionSpec(section, config), [hostile], {}, config).json;
    const entries = entriesOf(extractFromJson(json));
    expect(entries[0]!.title).toBe(`${hostileText.script}badchars`);
    expect(entries[1]!.title).toBe(hostileText.scriptClose);
  });
});

describe('the same reader reads RSS, Atom and JSON Feed alike', () => {
  const formats = ['rss', 'atom'] as const;

  it.each(formats)('reads the same ids, titles, links and instants from %s as from JSON', (format) => {
    const pick = (feed: FeedData) =>
      entriesOf(feed).map(({ id, title, link, published }) => ({ id, title, link, published }));
    expect(pick(read[format])).toEqual(pick(read.json));
  });

  it.each(formats)('reads a plain-text description of each %s item', (format) => {
    const entries = entriesOf(read[format]);
    expect(entries).toHaveLength(richItemIds.length);
    expect(entries[0]!.description).toContain(article(richItemIds[0]!).paragraphs[0]!.slice(0, 40));
    for (const entry of entries) {
      expect(entry.description).not.toBe('');
      expect(entry.description).not.toMatch(/<[a-z/]/i);
    }
  });

  it.each(formats)('finds the WebSub hub in %s', (format) => {
    expect(read[format].hubs).toEqual([hub]);
  });

  it('reads the home page of RSS and Atom (not the Atom self link) and the feed title in each format', () => {
    expect(read.rss.link).toBe(`${siteUrl}/`);
    expect(read.atom.link).toBe(`${siteUrl}/`);
    expect(new Set([read.rss.title, read.atom.title, read.json.title])).toEqual(
      new Set(['衢州日报 · 全部版面']),
    );
  });
});
