import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../../scripts/lib/node-http.ts';
import { opmlFeedUrls, type StartedSite, startSite } from './support/local-site.ts';
import { findFeedparserPython, findTool, readNewsboatCache, run, warnMissing } from './support/tools.ts';

const newsboat = findTool('/usr/bin/newsboat');
if (newsboat === undefined) warnMissing('newsboat', 'newsboat');
// The cache is SQLite; Debian's python3 reads it (sqlite3 is in its standard library).
const python = newsboat === undefined ? undefined : await findFeedparserPython();
if (newsboat !== undefined && python === undefined) warnMissing('python3 with sqlite3', 'python3');

type CachedItem = Record<'feedurl' | 'guid' | 'title' | 'url', string>;

const readCache = (cacheFile: string): Promise<CachedItem[]> =>
  readNewsboatCache(python!, cacheFile, ['feedurl', 'guid', 'title', 'url']);

/** One newsboat profile: the feeds of one OPML folder (format), its own cache and requests. */
interface Profile {
  format: 'rss' | 'atom';
  feeds: string[];
  reloads: RequestLogEntry[][];
  items: CachedItem[];
}

/**
 * newsboat identifies items by GUID across its whole cache (an item in both the all-sections
 * feed and its section feed is stored once), and the OPML groups feeds by format so a reader
 * imports one folder. So each format folder gets its own profile, as two readers would.
 */
describe.skipIf(newsboat === undefined || python === undefined)('newsboat subscribes to the OPML', () => {
  let started: StartedSite;
  let home: string;
  let referenceIds: string[];
  const profiles: Profile[] = [];

  beforeAll(async () => {
    started = await startSite();
    home = await mkdtemp(join(tmpdir(), 'newsboat-home-'));
    const opml = await (await fetch(`${started.publisher.url}/feeds.opml`)).text();
    const all = (await (await fetch(`${started.publisher.url}/feeds/all/feed.json`)).json()) as {
      items: { id: string }[];
    };
    referenceIds = all.items.map((i) => i.id).sort();
    const env = { ...process.env, HOME: home, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', TERM: 'dumb' };
    for (const format of ['rss', 'atom'] as const) {
      const dir = join(home, format);
      await mkdir(dir);
      const feeds = opmlFeedUrls(opml).filter((u) => u.endsWith(format === 'rss' ? '/rss.xml' : '/atom.xml'));
      await writeFile(join(dir, 'urls'), `${feeds.join('\n')}\n`);
      await writeFile(join(dir, 'config'), 'reload-threads 1\n');
      const reloads: RequestLogEntry[][] = [];
      for (let i = 0; i < 3; i++) {
        const from = started.publisher.requests.length;
        await run(newsboat!, ['-x', 'reload', '-u', 'urls', '-c', 'cache.db', '-C', 'config'], {
          cwd: dir,
          env,
          timeout: 60_000,
        });
        reloads.push(started.publisher.requests.slice(from));
      }
      profiles.push({ format, feeds, reloads, items: await readCache(join(dir, 'cache.db')) });
    }
  });
  afterAll(async () => {
    await started?.close();
    if (home !== undefined) await rm(home, { recursive: true, force: true });
  });

  it('subscribes to the all-sections feed and the section feeds in both formats', () => {
    for (const profile of profiles) {
      expect(profile.feeds[0]).toBe(`${started.publisher.url}/feeds/all/${profile.format}.xml`);
      expect(profile.feeds.length).toBeGreaterThanOrEqual(2);
    }
    expect(profiles.map((p) => p.feeds.length)).toEqual([
      profiles[0]!.feeds.length,
      profiles[0]!.feeds.length,
    ]);
  });

  it('fetches every feed with 200 on the first reload', () => {
    for (const profile of profiles) {
      const first = profile.reloads[0]!;
      expect(first.map((r) => r.path).sort()).toEqual(profile.feeds.map((u) => new URL(u).pathname).sort());
      for (const request of first) expect(request.status, request.path).toBe(200);
    }
  });

  it('revalidates every feed on the third reload and is answered 304', () => {
    for (const profile of profiles) {
      const third = profile.reloads[2]!;
      expect(third.map((r) => r.path).sort()).toEqual(profile.feeds.map((u) => new URL(u).pathname).sort());
      for (const request of third) {
        expect(request.ifNoneMatch ?? request.ifModifiedSince, request.path).toBeDefined();
        expect(request.status, request.path).toBe(304);
      }
    }
  });

  it('holds every article exactly once after three reloads', () => {
    expect(referenceIds.length).toBeGreaterThan(0);
    for (const profile of profiles) {
      const guids = profile.items.map((i) => i.guid);
      expect(new Set(guids).size, profile.format).toBe(guids.length);
      expect([...guids].sort(), profile.format).toEqual(referenceIds);
      for (const item of profile.items) expect(profile.feeds).toContain(item.feedurl);
    }
  });

  it('stores absolute article links that the server answers', async () => {
    const links = new Set(profiles.flatMap((p) => p.items.map((i) => i.url)));
    expect(links.size).toBe(referenceIds.length);
    for (const link of links) {
      expect(link.startsWith(`${started.publisher.url}/articles/2024-11-30/`), link).toBe(true);
      expect((await fetch(link, { method: 'HEAD' })).status, link).toBe(200);
    }
  });
});
