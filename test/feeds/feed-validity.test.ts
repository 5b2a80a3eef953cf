import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import Parser from 'rss-parser';
import { describe, expect, it } from 'vitest';
import {
  buildArchiveFeeds,
  buildSubscriptionFeeds,
  type FeedDocuments,
} from '../../shared/feeds/build-feeds.ts';
import { allSectionsSpec, sectionSpec } from '../../shared/feeds/feed-spec.ts';
import {
  dailyIssues,
  hostileIssue,
  photoIssue,
  richIssue,
  richItemIds,
  testConfig,
} from './feed-fixtures.ts';
import { assertWellFormed, parseXml } from './xml-check.ts';

/**
 * Validity beyond well-formedness: JSON Feed 1.1 against the shared JSON Schema, Atom against
 * RFC 4287's RELAX NG grammar (Debian `jing`), and a feed-reader-grade parser (rss-parser)
 * reading RSS and Atom the way a reader does. The schemas are the team's shared ones
 * (`../shared/schemas/` beside the clone) when they are there, else their copies in
 * test/fixtures/feed-schemas/, so a clone on its own runs the same checks.
 */

const sharedSchemas = new URL('../../../shared/schemas/', import.meta.url);
const schemaDir = existsSync(sharedSchemas)
  ? sharedSchemas
  : new URL('../fixtures/feed-schemas/', import.meta.url);
const jsonFeedSchemaPath = fileURLToPath(new URL('jsonfeed-1.1.schema.json', schemaDir));
const atomSchemaPath = fileURLToPath(new URL('atom-rfc4287.rnc', schemaDir));

const config = testConfig({ websubHub: 'https://hub.example.com/' });
const issue = richIssue();
const hostile = hostileIssue();
const week = dailyIssues('2024-11-29', 6);

/** The documents every check runs on: sections, all sections, archives, hostile, empty. */
const documents: Array<[name: string, docs: FeedDocuments]> = [
  [
    'yaowen',
    buildSubscriptionFeeds(
      sectionSpec('要闻', config),
      [issue, ...week],
      { newestArchiveDate: issue.date },
      config,
    ),
  ],
  ['all', buildSubscriptionFeeds(allSectionsSpec(config), [issue, ...week], {}, config)],
  [
    'all archive',
    buildArchiveFeeds(
      allSectionsSpec(config),
      issue,
      { prevDate: '2024-11-29', nextDate: '2024-12-01' },
      config,
    ),
  ],
  ['hostile', buildSubscriptionFeeds(sectionSpec(hostile.pages[0]!.section, config), [hostile], {}, config)],
  ['empty', buildSubscriptionFeeds(sectionSpec('体育', config), [issue], {}, config)],
  ['photos', buildSubscriptionFeeds(sectionSpec('要闻', config), [photoIssue()], {}, config)],
];

const rfc3339Beijing = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;

const findJing = (): string | undefined => {
  for (const candidate of ['/usr/bin/jing', '/usr/local/bin/jing'])
    if (existsSync(candidate)) return candidate;
  try {
    return execFileSync('which', ['jing'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
};

describe('JSON Feed 1.1 schema', () => {
  const schema = JSON.parse(readFileSync(jsonFeedSchemaPath, 'utf8'));
  // Formats are informative in this schema; dates are checked below with an exact pattern.
  const validate = new Ajv({ allErrors: true, validateFormats: false }).compile(schema);

  it.each(documents)('validates the %s JSON Feed', (_name, docs) => {
    const feed = JSON.parse(docs.json);
    expect(validate(feed), JSON.stringify(validate.errors)).toBe(true);
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.language).toBe('zh-CN');
    for (const item of feed.items) {
      expect(typeof item.id).toBe('string');
      expect(item.date_published).toMatch(rfc3339Beijing);
      expect(item.date_modified).toMatch(rfc3339Beijing);
    }
  });
});

describe('Atom RELAX NG (RFC 4287)', () => {
  const jing = findJing();

  it('validates every Atom document with jing, or says loudly that it could not', () => {
    for (const [, docs] of documents) assertWellFormed(docs.atom);
    if (jing === undefined) {
      console.warn('jing is not installed: Atom RELAX NG validation did NOT run (apt-get install jing)');
      expect(jing).toBeUndefined();
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'feeds-jing-'));
    try {
      const files = documents.map(([name, docs]) => {
        const file = join(dir, `${name.replace(/\W+/g, '-')}.atom.xml`);
        writeFileSync(file, docs.atom);
        return file;
      });
      let output = '';
      try {
        output = execFileSync(jing, ['-c', atomSchemaPath, ...files], { encoding: 'utf8' });
      } catch (error) {
        output = String((error as { stdout?: string }).stdout ?? error);
      }
      expect(output).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('meets the two rules jing ignores: authors and alternate links or content', () => {
    for (const [name, docs] of documents) {
      const feed = parseXml(docs.atom).feed;
      expect(feed.author, name).toBeDefined();
      for (const entry of feed.entry ?? []) {
        expect(
          entry.content ?? entry.link.find((l: { '@rel': string }) => l['@rel'] === 'alternate'),
          name,
        ).toBeDefined();
      }
    }
  });
});

describe('read by a feed reader (rss-parser)', () => {
  const parser = new Parser<Record<string, unknown>, { creators: string[]; contentEncoded: string }>({
    customFields: {
      item: [
        ['dc:creator', 'creators', { keepArray: true }],
        ['content:encoded', 'contentEncoded'],
      ],
    },
  });
  const [, all] = documents[1]!;

  it('reads RSS items with their ids, links, authors and the right instant', async () => {
    const feed = await parser.parseString(all.rss);
    expect(feed.title).toBe('衢州日报 · 全部版面');
    const first = feed.items[0]!;
    expect(first.guid).toBe(`tag:news.example.cn,${issue.date}:${richItemIds[0]}`);
    expect(first.link).toBe(`https://news.example.cn/articles/${issue.date}/${richItemIds[0]}`);
    expect(first.creators).toEqual(['记者 徐颖之', '通讯员 余黎红']);
    // 05:00 in Beijing is 21:00 UTC the day before: no 8-hour error.
    expect(first.isoDate).toBe('2024-11-29T21:00:00.000Z');
    expect(first.categories).toEqual(['要闻']);
    expect(first.contentEncoded).toContain('扎实推进高水平对外开放');
    expect(feed.items).toHaveLength(richItemIds.length + 6 * 6);
  });

  it('reads Atom entries with their ids, links and the right instant', async () => {
    const feed = await parser.parseString(all.atom);
    const first = feed.items[0]! as Parser.Item & { id?: string };
    expect(first.id).toBe(`tag:news.example.cn,${issue.date}:${richItemIds[0]}`);
    expect(first.link).toBe(`https://news.example.cn/articles/${issue.date}/${richItemIds[0]}`);
    expect(first.isoDate).toBe('2024-11-29T21:00:00.000Z');
    expect(first.title).toBe('高屹率团赴韩国开展经贸考察访问');
  });

  it('reads hostile titles as literal text', async () => {
    const [, docs] = documents[3]!;
    const rss = await parser.parseString(docs.rss);
    const atom = await parser.parseString(docs.atom);
    expect(rss.items[0]!.title).toBe('<script>alert("x")</script></script><!--badchars');
    expect(atom.items[0]!.title).toBe('<script>alert("x")</script></script><!--badchars');
  });

  // rss-parser reads enclosures from RSS only (Atom's link rel="enclosure" is checked by jing).
  it("reads a photo item's enclosure from RSS", async () => {
    const [, docs] = documents[5]!;
    const photo = photoIssue().pages[0]!.articles[0]!.photos![0]!;
    const expected = {
      url: `https://news.example.cn/${photo.large.key}`,
      length: '141234',
      type: 'image/jpeg',
    };
    expect((await parser.parseString(docs.rss)).items[0]!.enclosure).toEqual(expected);
  });

  it('reads JSON Feed the way a reader does: string ids, absolute URLs, parseable dates', () => {
    const feed = JSON.parse(all.json);
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(new URL(feed.feed_url).protocol).toBe('https:');
    expect(feed.hubs).toEqual([{ type: 'WebSub', url: 'https://hub.example.com/' }]);
    const first = feed.items[0];
    expect(first.id).toBe(`tag:news.example.cn,${issue.date}:${richItemIds[0]}`);
    expect(new URL(first.url).href).toBe(first.url);
    expect(new Date(first.date_published).toISOString()).toBe('2024-11-29T21:00:00.000Z');
    const ids = feed.items.map((i: { id: string }) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
