import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opmlFeedUrls, type StartedSite, startSite } from './support/local-site.ts';
import { findFeedparserPython, run, warnMissing } from './support/tools.ts';

interface ParsedFeed {
  url: string;
  status: number | null;
  bozo: number;
  bozo_exception: string | null;
  version: string | null;
  title: string | null;
  entries: { id: string | null; link: string | null; title: string | null; published: string | null }[];
}

const script = fileURLToPath(new URL('./feedparser-check.py', import.meta.url));
const python = await findFeedparserPython();
if (python === undefined) warnMissing('python3-feedparser', 'python3-feedparser');

describe.skipIf(python === undefined)('python3-feedparser reads every RSS and Atom feed', () => {
  let started: StartedSite;
  let parsed: ParsedFeed[];
  let xmlFeeds: string[];

  beforeAll(async () => {
    started = await startSite();
    const opml = await (await fetch(`${started.publisher.url}/feeds.opml`)).text();
    xmlFeeds = opmlFeedUrls(opml).filter((u) => /\/(rss|atom)\.xml$/.test(u));
    // Subscription documents only list themselves in the OPML; archives are reached by links.
    const { stdout } = await run(python!, [script, ...xmlFeeds], { maxBuffer: 64 * 1024 * 1024 });
    parsed = JSON.parse(stdout) as ParsedFeed[];
  });
  afterAll(async () => {
    await started?.close();
  });

  it('finds RSS and Atom feeds for every section in the OPML', () => {
    expect(xmlFeeds.filter((u) => u.endsWith('/rss.xml')).length).toBeGreaterThanOrEqual(2);
    expect(xmlFeeds.filter((u) => u.endsWith('/atom.xml')).length).toBe(
      xmlFeeds.filter((u) => u.endsWith('/rss.xml')).length,
    );
    expect(xmlFeeds).toContain(`${started.publisher.url}/feeds/all/rss.xml`);
  });

  it('parses every feed without bozo and with entries', () => {
    for (const feed of parsed) {
      expect({ url: feed.url, bozo: feed.bozo, why: feed.bozo_exception }).toEqual({
        url: feed.url,
        bozo: 0,
        why: null,
      });
      expect(feed.status).toBe(200);
      expect(feed.version).toMatch(feed.url.endsWith('rss.xml') ? /^rss20$/ : /^atom10$/);
      expect(feed.entries.length).toBeGreaterThan(0);
    }
  });

  it('keeps the +08:00 offset in every published date (+0800 in RSS, +08:00 in Atom)', () => {
    for (const feed of parsed) {
      const offset = feed.url.endsWith('rss.xml') ? /\+0800$/ : /\+08:00$/;
      for (const entry of feed.entries) expect(entry.published, `${feed.url} ${entry.id}`).toMatch(offset);
    }
  });

  it('gives every entry an id, a title and the same ids in RSS and Atom', () => {
    for (const feed of parsed) {
      for (const entry of feed.entries) {
        expect(entry.id).toMatch(/^tag:/);
        expect(entry.title?.trim()).not.toBe('');
      }
      const ids = feed.entries.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
    const idsOf = (url: string) =>
      parsed
        .find((f) => f.url === url)
        ?.entries.map((e) => e.id)
        .sort();
    for (const rss of parsed.filter((f) => f.url.endsWith('rss.xml'))) {
      expect(idsOf(rss.url.replace(/rss\.xml$/, 'atom.xml'))).toEqual(idsOf(rss.url));
    }
  });

  it('links every entry to an absolute article URL that answers 200', async () => {
    const links = new Set(parsed.flatMap((f) => f.entries.map((e) => e.link ?? '')));
    for (const link of links) {
      expect(link.startsWith(`${started.publisher.url}/articles/2024-11-30/`), link).toBe(true);
      const response = await fetch(link);
      expect(response.status, link).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    }
  });
});
