import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import {
  buildArchiveFeeds,
  buildSubscriptionFeeds,
  type FeedDocuments,
} from '../../shared/feeds/build-feeds.ts';
import { allSectionsSpec, sectionSpec } from '../../shared/feeds/feed-spec.ts';
import { utf8ByteLength } from '../../shared/feeds/xml-text.ts';
import type { PublishedIssue } from '../../shared/model/published.ts';
import { hostileText } from '../support/published-fixtures.ts';
import {
  dailyIssues,
  hostileIssue,
  richIssue,
  richItemIds,
  richRetractedId,
  siteUrl,
  testConfig,
} from './feed-fixtures.ts';
import { assertWellFormed, parseXml, textOf } from './xml-check.ts';

const config = testConfig();
const tag = (date: string, id: string) => `tag:news.example.cn,${date}:${id}`;
const permalink = (date: string, id: string) => `${siteUrl}/articles/${date}/${id}`;

// biome-ignore lint/suspicious/noExplicitAny: parsed documents are untyped trees
type Tree = any;

const rssItems = (docs: FeedDocuments): Tree[] => parseXml(docs.rss).rss.channel.item ?? [];
const atomEntries = (docs: FeedDocuments): Tree[] => parseXml(docs.atom).feed.entry ?? [];
const jsonItems = (docs: FeedDocuments): Tree[] => JSON.parse(docs.json).items;
const rssLink = (docs: FeedDocuments, rel: string): string | undefined =>
  (parseXml(docs.rss).rss.channel['atom:link'] ?? []).find((l: Tree) => l['@rel'] === rel)?.['@href'];
const atomLink = (docs: FeedDocuments, rel: string): string | undefined =>
  (parseXml(docs.atom).feed.link ?? []).find((l: Tree) => l['@rel'] === rel)?.['@href'];

/** Every timestamp-looking string in a document. */
const timestamps = (text: string) => [
  ...text.matchAll(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[^"<\s]*/g),
  ...text.matchAll(/[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [^<]*/g),
];

describe('buildSubscriptionFeeds', () => {
  const issue = richIssue();
  const yaowen = buildSubscriptionFeeds(sectionSpec('要闻', config), [issue], {}, config);
  const all = buildSubscriptionFeeds(allSectionsSpec(config), [issue], {}, config);

  it('renders every document well-formed and parses it back to the model', () => {
    for (const docs of [yaowen, all]) {
      assertWellFormed(docs.rss);
      assertWellFormed(docs.atom);
      expect(() => JSON.parse(docs.json)).not.toThrow();
    }
    const expected = ['p1-0a0a0a0a', 'p1-0c0c0c0c', 'p1-0d0d0d0d'];
    expect(rssItems(yaowen).map((i) => textOf(i.guid))).toEqual(expected.map((id) => tag(issue.date, id)));
    expect(rssItems(yaowen).map((i) => i.link)).toEqual(expected.map((id) => permalink(issue.date, id)));
    expect(atomEntries(yaowen).map((e) => e.id)).toEqual(expected.map((id) => tag(issue.date, id)));
    expect(atomEntries(yaowen).map((e) => e.link[0]['@href'])).toEqual(
      expected.map((id) => permalink(issue.date, id)),
    );
    expect(jsonItems(yaowen).map((i) => i.id)).toEqual(expected.map((id) => tag(issue.date, id)));
    expect(jsonItems(yaowen).map((i) => i.url)).toEqual(expected.map((id) => permalink(issue.date, id)));
  });

  it('renders the model fields of an item in every format', () => {
    const [rss] = rssItems(yaowen);
    const [atom] = atomEntries(yaowen);
    const [json] = jsonItems(yaowen);
    expect(rss.title).toBe('高屹率团赴韩国开展经贸考察访问');
    expect(rss.guid['@isPermaLink']).toBe('false');
    expect(rss.pubDate).toBe('Sat, 30 Nov 2024 05:00:00 +0800');
    expect(rss['dc:creator']).toEqual(['记者 徐颖之', '通讯员 余黎红']);
    expect(rss.category).toEqual(['要闻']);
    expect(rss.description.length).toBeLessThanOrEqual(121);
    expect(rss.description.startsWith('11月26日至29日')).toBe(true);
    expect(rss['content:encoded']).toContain("<p class='kicker'>扎实推进高水平对外开放</p>");
    expect(rss['content:encoded']).toContain('<strong>加快培育高质量发展新动能</strong>');
    expect(rss['content:encoded']).toContain('<p>方世忠参加。</p>');
    expect(atom.published).toBe('2024-11-30T05:00:00+08:00');
    expect(atom.updated).toBe('2024-11-30T05:00:00+08:00');
    expect(atom.author.map((a: Tree) => a.name)).toEqual(['记者 徐颖之', '通讯员 余黎红']);
    expect(atom.category[0]).toMatchObject({ '@term': 'yaowen', '@label': '要闻' });
    expect(atom.content['@type']).toBe('html');
    expect(textOf(atom.content)).toBe(rss['content:encoded']);
    expect(textOf(atom.summary)).toBe(rss.description);
    expect(json).toMatchObject({
      title: '高屹率团赴韩国开展经贸考察访问',
      date_published: '2024-11-30T05:00:00+08:00',
      date_modified: '2024-11-30T05:00:00+08:00',
      authors: [{ name: '记者 徐颖之' }, { name: '通讯员 余黎红' }],
      tags: ['要闻'],
      summary: rss.description,
      content_html: rss['content:encoded'],
      _quzhou: {
        kicker: '扎实推进高水平对外开放',
        subtitle: '加快培育高质量发展新动能',
        section: '要闻',
        page: 1,
      },
    });
  });

  it('leaves out teasers that point to another page and keeps photo items', () => {
    const ids = jsonItems(all).map((i) => i.id);
    expect(ids).toEqual(richItemIds.map((id) => tag(issue.date, id)));
    expect(ids).not.toContain(tag(issue.date, 'p1-0b0b0b0b'));
    const photo = jsonItems(all).find((i) => i.id === tag(issue.date, 'p1-0c0c0c0c'));
    expect(photo.content_html).toContain('衢江两岸层林尽染');
    expect(photo.authors).toEqual([{ name: '摄影 叶根林' }]);
  });

  it('links a jump to the permalink of its target article', () => {
    const item = jsonItems(yaowen).find((i) => i.id === tag(issue.date, 'p1-0d0d0d0d'));
    expect(item.content_html).toContain(`<a href='${permalink(issue.date, 'p2-1a1a1a1a')}'>下转第二版：`);
  });

  it('names the paper as author of an article without a byline', () => {
    const zonghe = buildSubscriptionFeeds(sectionSpec('综合', config), [issue], {}, config);
    expect(atomEntries(zonghe)[0].author).toEqual([{ name: '衢州日报' }]);
    expect(jsonItems(zonghe)[0].authors).toEqual([{ name: '衢州日报' }]);
    expect(rssItems(zonghe)[0]['dc:creator']).toEqual(['衢州日报']);
  });

  it('gives an article the same id in its section feed and the all-sections feed', () => {
    for (const format of ['json'] as const) {
      const sectionIds = jsonItems(yaowen).map((i) => i.id);
      const allIds = new Set(jsonItems(all).map((i) => i.id));
      expect(sectionIds.length, format).toBeGreaterThan(0);
      for (const id of sectionIds) expect(allIds.has(id), id).toBe(true);
    }
    const sectionGuids = rssItems(yaowen).map((i) => textOf(i.guid));
    const allGuids = rssItems(all).map((i) => textOf(i.guid));
    expect(allGuids.slice(0, sectionGuids.length)).toEqual(sectionGuids);
    expect(atomEntries(all).map((e) => e.id)).toEqual(jsonItems(all).map((i) => i.id));
  });

  it('keeps an item id when a corrected re-upload fixes the title', () => {
    const corrected = richIssue();
    const first = corrected.pages[0]!.articles[0]!;
    first.title = '高屹率团赴韩国开展经贸考察访问活动';
    first.updated = '2024-11-30T10:15:00+08:00';
    corrected.updated = first.updated;
    const after = buildSubscriptionFeeds(sectionSpec('要闻', config), [corrected], {}, config);
    expect(jsonItems(after).map((i) => i.id)).toEqual(jsonItems(yaowen).map((i) => i.id));
    expect(jsonItems(after)[0].title).toBe('高屹率团赴韩国开展经贸考察访问活动');
    // Only the corrected item's modification time moves.
    expect(jsonItems(after).map((i) => i.date_modified)).toEqual([
      '2024-11-30T10:15:00+08:00',
      ...jsonItems(yaowen)
        .slice(1)
        .map((i) => i.date_modified),
    ]);
    expect(jsonItems(after)[0].date_published).toBe('2024-11-30T05:00:00+08:00');
    expect(parseXml(after.rss).rss.channel.lastBuildDate).toBe('Sat, 30 Nov 2024 10:15:00 +0800');
    expect(parseXml(after.atom).feed.updated).toBe('2024-11-30T10:15:00+08:00');
  });

  it('keeps item ids when another article is inserted before them', () => {
    const withInsert = richIssue();
    const page = withInsert.pages[0]!;
    for (const a of page.articles) a.order += 1;
    page.articles.unshift({ ...page.articles[0]!, id: 'p1-0e0e0e0e', title: '新增稿件', order: 0 });
    const after = buildSubscriptionFeeds(sectionSpec('要闻', config), [withInsert], {}, config);
    const ids = jsonItems(after).map((i) => i.id);
    expect(ids[0]).toBe(tag(issue.date, 'p1-0e0e0e0e'));
    expect(ids.slice(1)).toEqual(jsonItems(yaowen).map((i) => i.id));
  });

  it('gives the items of one issue distinct times in reading order', () => {
    const times = jsonItems(all).map((i) => i.date_published);
    expect(new Set(times).size).toBe(times.length);
    expect([...times].sort().reverse()).toEqual(times);
    const pubDates = rssItems(all).map((i) => i.pubDate);
    expect(new Set(pubDates).size).toBe(pubDates.length);
  });

  it('writes every time in Beijing time with an explicit offset, never GMT, CST or Z', () => {
    for (const docs of [yaowen, all]) {
      for (const text of [docs.rss, docs.atom, docs.json]) {
        expect(text).not.toMatch(/GMT|\bCST\b|UTC/);
        const found = timestamps(text);
        expect(found.length).toBeGreaterThan(0);
        for (const [stamp] of found) expect(stamp).toMatch(/\+08:00$|\+0800$/);
      }
    }
  });

  it('dates the feed by its latest content change, not by the build', () => {
    const rss = parseXml(all.rss).rss.channel;
    expect(rss.lastBuildDate).toBe('Sat, 30 Nov 2024 09:30:00 +0800');
    // The retraction at 09:30 is the latest change; the Atom feed carries its tombstone.
    expect(parseXml(all.atom).feed.updated).toBe('2024-11-30T09:30:00+08:00');
    expect(parseXml(yaowen.atom).feed.updated).toBe('2024-11-30T05:00:00+08:00');
  });

  it('gives byte-identical output for the same input, whatever order the window comes in', () => {
    const issues = dailyIssues('2024-11-30', 4);
    const again = buildSubscriptionFeeds(allSectionsSpec(config), [...issues].reverse(), {}, config);
    expect(buildSubscriptionFeeds(allSectionsSpec(config), issues, {}, config)).toEqual(again);
    expect(buildSubscriptionFeeds(sectionSpec('要闻', config), [issue], {}, config)).toEqual(yaowen);
  });

  it('gives the same bytes whatever the clock says at build time', () => {
    vi.useFakeTimers();
    try {
      vi.setSystemTime(new Date('2024-11-30T06:00:00+08:00'));
      const early = buildSubscriptionFeeds(allSectionsSpec(config), [issue], {}, config);
      vi.setSystemTime(new Date('2031-01-01T00:00:00Z'));
      const late = buildSubscriptionFeeds(allSectionsSpec(config), [issue], {}, config);
      expect(late).toEqual(early);
    } finally {
      vi.useRealTimers();
    }
    const dir = new URL('../../shared/feeds/', import.meta.url);
    for (const file of readdirSync(dir)) {
      expect(readFileSync(new URL(file, dir), 'utf8'), file).not.toMatch(/new Date\(|Date\.now\(/);
    }
  });

  it('writes JSON Feed exactly as JSON.stringify does', () => {
    for (const docs of [yaowen, all]) expect(docs.json).toBe(JSON.stringify(JSON.parse(docs.json)));
    const empty = buildSubscriptionFeeds(sectionSpec('体育', config), [issue], {}, config);
    expect(empty.json).toBe(JSON.stringify(JSON.parse(empty.json)));
    expect(JSON.parse(empty.json).items).toEqual([]);
    assertWellFormed(empty.atom);
    expect(parseXml(empty.rss).rss.channel.item).toBeUndefined();
  });
});

describe('tombstones', () => {
  const issue = richIssue();
  const all = buildSubscriptionFeeds(allSectionsSpec(config), [issue], {}, config);

  it('turns a retracted article into an Atom deleted-entry while it is in the window', () => {
    const feed = parseXml(all.atom).feed;
    expect(feed['@xmlns:at']).toBe('http://purl.org/atompub/tombstones/1.0');
    expect(feed['at:deleted-entry']).toEqual([
      { '@ref': tag(issue.date, richRetractedId), '@when': '2024-11-30T09:30:00+08:00' },
    ]);
    expect(feed.entry.map((e: Tree) => e.id)).not.toContain(tag(issue.date, richRetractedId));
  });

  it('omits a retracted article from RSS and JSON Feed', () => {
    expect(all.rss).not.toContain(richRetractedId);
    expect(all.json).not.toContain(richRetractedId);
    expect(all.rss).not.toContain('已撤回的稿件');
  });
});

describe('window and byte cap', () => {
  it('shows only the newest windowIssues issues', () => {
    const issues = dailyIssues('2024-11-30', 9);
    const docs = buildSubscriptionFeeds(allSectionsSpec(config), issues, {}, config);
    const dates = new Set(jsonItems(docs).map((i) => i.id.split(',')[1].split(':')[0]));
    expect([...dates]).toEqual(issues.slice(0, 7).map((i) => i.date));
    const three = testConfig({ windowIssues: 3 });
    const small = buildSubscriptionFeeds(allSectionsSpec(three), issues, {}, three);
    expect(atomEntries(small)).toHaveLength(3 * 6);
  });

  it('drops the oldest items until each document fits the byte cap', () => {
    const cap = 20 * 1024;
    const capped = testConfig({ maxFeedBytes: cap });
    const issues = dailyIssues('2024-11-30', 7, 6);
    const full = buildSubscriptionFeeds(allSectionsSpec(config), issues, {}, config);
    const docs = buildSubscriptionFeeds(allSectionsSpec(capped), issues, {}, capped);
    const fullIds = jsonItems(full).map((i) => i.id);
    for (const [format, text, ids] of [
      ['rss', docs.rss, rssItems(docs).map((i) => textOf(i.guid))],
      ['atom', docs.atom, atomEntries(docs).map((e) => e.id)],
      ['json', docs.json, jsonItems(docs).map((i) => i.id)],
    ] as const) {
      expect(utf8ByteLength(text), format).toBeLessThanOrEqual(cap);
      expect(Buffer.byteLength(text, 'utf8'), format).toBe(utf8ByteLength(text));
      expect(ids.length, format).toBeGreaterThan(0);
      expect(ids.length, format).toBeLessThan(fullIds.length);
      // What is kept is the newest part: a prefix of the uncapped list.
      expect(ids, format).toEqual(fullIds.slice(0, ids.length));
    }
    // The cap is exact: a cap of precisely the document's size keeps it, one byte less drops an item.
    const size = utf8ByteLength(docs.atom);
    const exact = testConfig({ maxFeedBytes: size });
    const tight = testConfig({ maxFeedBytes: size - 1 });
    expect(buildSubscriptionFeeds(allSectionsSpec(exact), issues, {}, exact).atom).toBe(docs.atom);
    expect(atomEntries(buildSubscriptionFeeds(allSectionsSpec(tight), issues, {}, tight))).toHaveLength(
      atomEntries(docs).length - 1,
    );
  });

  it('counts bytes exactly in every format, whatever the characters', () => {
    const issues = dailyIssues('2024-11-30', 7, 6);
    for (const issue of issues) {
      for (const article of issue.pages.flatMap((p) => p.articles)) {
        article.title += ' é·😀 R&D <x>';
        article.kicker = '引题é😀';
        article.column = 'ü栏目';
        article.paragraphs.push('😀·é "引号" \\ 反斜杠\t制表');
        if (article.order % 2 === 1) article.byline = [];
      }
    }
    const counts = (docs: FeedDocuments) => ({
      rss: rssItems(docs).length,
      atom: atomEntries(docs).length,
      json: jsonItems(docs).length,
    });
    const loose = testConfig({ maxFeedBytes: 24 * 1024, title: '衢州日报·é😀' });
    const docs = buildSubscriptionFeeds(allSectionsSpec(loose), issues, {}, loose);
    for (const format of ['rss', 'atom', 'json'] as const) {
      const size = Buffer.byteLength(docs[format], 'utf8');
      expect(size, format).toBeLessThanOrEqual(24 * 1024);
      const exact = testConfig({ maxFeedBytes: size, title: '衢州日报·é😀' });
      const tight = testConfig({ maxFeedBytes: size - 1, title: '衢州日报·é😀' });
      expect(buildSubscriptionFeeds(allSectionsSpec(exact), issues, {}, exact)[format], format).toBe(
        docs[format],
      );
      expect(counts(buildSubscriptionFeeds(allSectionsSpec(tight), issues, {}, tight))[format], format).toBe(
        counts(docs)[format] - 1,
      );
    }
  });

  it('still emits the newest item when it alone exceeds the cap', () => {
    const capped = testConfig({ maxFeedBytes: 16 * 1024 });
    const issue = dailyIssues('2024-11-30', 1)[0]!;
    issue.pages[0]!.articles[0]!.paragraphs = ['长'.repeat(10_000)];
    const docs = buildSubscriptionFeeds(allSectionsSpec(capped), [issue], {}, capped);
    expect(utf8ByteLength(docs.rss)).toBeGreaterThan(16 * 1024);
    expect(rssItems(docs)).toHaveLength(1);
    expect(atomEntries(docs)).toHaveLength(1);
    expect(jsonItems(docs)).toHaveLength(1);
  });
});

describe('links', () => {
  const issue = richIssue();

  it('links self, home and the WebSub hub when one is configured', () => {
    const hub = 'https://pubsubhubbub.appspot.com/';
    const withHub = testConfig({ websubHub: hub });
    const docs = buildSubscriptionFeeds(sectionSpec('要闻', withHub), [issue], {}, withHub);
    expect(rssLink(docs, 'self')).toBe(`${siteUrl}/feeds/yaowen/rss.xml`);
    expect(rssLink(docs, 'hub')).toBe(hub);
    expect(atomLink(docs, 'self')).toBe(`${siteUrl}/feeds/yaowen/atom.xml`);
    expect(atomLink(docs, 'alternate')).toBe(`${siteUrl}/`);
    expect(atomLink(docs, 'hub')).toBe(hub);
    const json = JSON.parse(docs.json);
    expect(json.feed_url).toBe(`${siteUrl}/feeds/yaowen/feed.json`);
    expect(json.home_page_url).toBe(`${siteUrl}/`);
    expect(json.hubs).toEqual([{ type: 'WebSub', url: hub }]);
    const without = buildSubscriptionFeeds(sectionSpec('要闻', config), [issue], {}, config);
    expect(rssLink(without, 'hub')).toBeUndefined();
    expect(atomLink(without, 'hub')).toBeUndefined();
    expect(JSON.parse(without.json).hubs).toBeUndefined();
  });

  it('chains archives: subscription → newest archive → older ones and back, each pointing to current', () => {
    const issues = dailyIssues('2024-11-30', 3);
    const dates = issues.map((i) => i.date).reverse(); // oldest first
    const spec = sectionSpec('要闻', config);
    const archives = new Map<string, FeedDocuments>();
    dates.forEach((date, index) => {
      archives.set(
        date,
        buildArchiveFeeds(
          spec,
          issues.find((i) => i.date === date)!,
          { prevDate: dates[index - 1], nextDate: dates[index + 1] },
          config,
        ),
      );
    });
    const subscription = buildSubscriptionFeeds(spec, issues, { newestArchiveDate: dates.at(-1) }, config);
    const byUrl = new Map<string, FeedDocuments>();
    for (const [date, docs] of archives) {
      for (const format of ['rss', 'atom', 'json'] as const) {
        const name = { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' }[format];
        byUrl.set(`${siteUrl}/feeds/yaowen/archive/${date}/${name}`, docs);
      }
    }
    const jsonLinks = (docs: FeedDocuments) => JSON.parse(docs.json)._rfc5005;
    const readers = {
      rss: (docs: FeedDocuments, rel: string) => rssLink(docs, rel),
      atom: (docs: FeedDocuments, rel: string) => atomLink(docs, rel),
      json: (docs: FeedDocuments, rel: string) =>
        jsonLinks(docs)?.[rel.replace('-', '_') as 'prev_archive'] as string | undefined,
    };
    for (const [format, read] of Object.entries(readers)) {
      expect(read(subscription, 'current'), format).toBeUndefined();
      // Walk back in time from the subscription document.
      const visited: string[] = [];
      let url = read(subscription, 'prev-archive');
      while (url !== undefined) {
        const docs = byUrl.get(url);
        expect(docs, url).toBeDefined();
        visited.push(url.split('/archive/')[1]!.slice(0, 10));
        expect(read(docs!, 'current'), format).toBe(
          read(subscription, 'self') ?? JSON.parse(subscription.json).feed_url,
        );
        url = read(docs!, 'prev-archive');
      }
      expect(visited, format).toEqual([...dates].reverse());
      // And forward again from the oldest.
      const forward: string[] = [];
      let next = read(archives.get(dates[0]!)!, 'next-archive');
      while (next !== undefined) {
        forward.push(next.split('/archive/')[1]!.slice(0, 10));
        next = read(byUrl.get(next)!, 'next-archive');
      }
      expect(forward, format).toEqual(dates.slice(1));
    }
  });

  it('marks archives with fh:archive and keeps it off the subscription document', () => {
    const archive = buildArchiveFeeds(sectionSpec('要闻', config), issue, {}, config);
    expect(parseXml(archive.rss).rss.channel['fh:archive']).toBe('');
    expect(parseXml(archive.atom).feed['fh:archive']).toBe('');
    expect(JSON.parse(archive.json)._rfc5005.archive).toBe(true);
    expect(atomLink(archive, 'self')).toBe(`${siteUrl}/feeds/yaowen/archive/2024-11-30/atom.xml`);
    expect(atomLink(archive, 'alternate')).toBe(`${siteUrl}/articles/2024-11-30/`);
    expect(jsonItems(archive).map((i) => i.id)).toEqual(
      ['p1-0a0a0a0a', 'p1-0c0c0c0c', 'p1-0d0d0d0d'].map((id) => tag(issue.date, id)),
    );
    const subscription = buildSubscriptionFeeds(sectionSpec('要闻', config), [issue], {}, config);
    expect(parseXml(subscription.rss).rss.channel['fh:archive']).toBeUndefined();
    expect(parseXml(subscription.atom).feed['fh:archive']).toBeUndefined();
    expect(JSON.parse(subscription.json)._rfc5005).toBeUndefined();
    // The archive and the subscription are one logical feed.
    expect(parseXml(archive.atom).feed.id).toBe(parseXml(subscription.atom).feed.id);
  });
});

describe('hostile text', () => {
  const issue: PublishedIssue = hostileIssue();
  const section = issue.pages[0]!.section;
  const docs = buildSubscriptionFeeds(sectionSpec(section, config), [issue], {}, config);
  const all = buildSubscriptionFeeds(allSectionsSpec(config), [issue], {}, config);
  const stripped = `${hostileText.script}badchars`;

  it('keeps every document well-formed', () => {
    for (const d of [docs, all]) {
      assertWellFormed(d.rss);
      assertWellFormed(d.atom);
      expect(() => JSON.parse(d.json)).not.toThrow();
    }
  });

  it('strips characters XML cannot carry from every format', () => {
    for (const text of [docs.rss, docs.atom, docs.json]) {
      expect(text).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/);
      expect(text).not.toMatch(/\\u000[0-8bc]|\\u001f|\\ufff[ef]/i);
    }
    expect(rssItems(docs)[0].title).toBe(stripped);
    expect(textOf(atomEntries(docs)[0].title)).toBe(stripped);
    expect(jsonItems(docs)[0].title).toBe(stripped);
  });

  it('escapes markup and ]]> so they read back as text, never as live elements', () => {
    for (const xml of [docs.rss, docs.atom]) {
      expect(xml).not.toContain('<script');
      expect(xml).not.toContain('<!--');
      // The only ]]> are the ends of the CDATA sections this code opened.
      expect(xml.split(']]>').length).toBe(xml.split('<![CDATA[').length);
    }
    const content: string = rssItems(docs)[0]['content:encoded'];
    // One level of XML escaping removed: the HTML still shows the script as text.
    expect(content).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(content).not.toContain('<script');
    expect(content).toContain('ends ]]&gt; here ]]&gt; twice');
    expect(content).toContain('R&amp;D &amp; AT&amp;T &amp;amp; &amp;lt;');
    expect(jsonItems(docs)[0].content_html).toBe(content);
    expect(jsonItems(docs)[0].content_html).not.toContain('<script');
    expect(textOf(atomEntries(docs)[0].content)).toBe(content);
    expect(textOf(atomEntries(docs)[0].summary)).toContain('ends ]]> here ]]> twice');
  });

  it('writes backslashes, tabs and newlines in text as valid JSON strings', () => {
    const odd = hostileIssue();
    odd.pages[0]!.articles[0]!.paragraphs = ['C:\\路径\t制表\n换行 "引号"'];
    const d = buildSubscriptionFeeds(sectionSpec(section, config), [odd], {}, config);
    const html = jsonItems(d)[0].content_html;
    expect(html).toContain('<p>C:\\路径\t制表\n换行 &quot;引号&quot;</p>');
    expect(html).toBe(rssItems(d)[0]['content:encoded']);
  });

  it('reads attributes with quotes and angle brackets back intact', () => {
    const category = atomEntries(docs)[0].category[0];
    expect(category['@label']).toBe(`要闻${hostileText.attribute}`);
    expect(rssItems(docs)[0].category).toEqual([`要闻${hostileText.attribute}`]);
    expect(rssItems(docs)[0]['dc:creator']).toEqual([`记者 ${hostileText.attribute}`]);
    expect(jsonItems(docs)[0]._quzhou.column).toBe(hostileText.attribute);
  });
});
