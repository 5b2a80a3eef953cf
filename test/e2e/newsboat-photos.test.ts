import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PhotoFeeds, servePhotoFeeds } from './support/photo-feeds.ts';
import { findFeedparserPython, findTool, readNewsboatCache, run, warnMissing } from './support/tools.ts';

const newsboat = findTool('/usr/bin/newsboat');
if (newsboat === undefined) warnMissing('newsboat', 'newsboat');
const python = newsboat === undefined ? undefined : await findFeedparserPython();

type CachedItem = Record<'feedurl' | 'guid' | 'title' | 'content', string>;

/** newsboat's SQLite cache, read with python3's sqlite3. */
const readCache = (cacheFile: string): Promise<CachedItem[]> =>
  readNewsboatCache(python!, cacheFile, ['feedurl', 'guid', 'title', 'content']);

/** newsboat (libxml2, its own RSS/Atom code) still reads feeds whose items carry photos. */
describe.skipIf(newsboat === undefined || python === undefined)('newsboat reads feeds with photos', () => {
  let feeds: PhotoFeeds;
  let home: string;
  const items: Record<'rss' | 'atom', CachedItem[]> = { rss: [], atom: [] };

  beforeAll(async () => {
    feeds = await servePhotoFeeds();
    home = await mkdtemp(join(tmpdir(), 'newsboat-photos-'));
    const env = { ...process.env, HOME: home, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', TERM: 'dumb' };
    for (const format of ['rss', 'atom'] as const) {
      const urls = join(home, `${format}.urls`);
      await writeFile(urls, `${feeds.url(format)}\n`);
      const cache = join(home, `${format}.db`);
      await run(newsboat!, ['-x', 'reload', '-u', urls, '-c', cache], { cwd: home, env, timeout: 60_000 });
      items[format] = await readCache(cache);
    }
  });
  afterAll(async () => {
    await feeds?.close();
    if (home !== undefined) await rm(home, { recursive: true, force: true });
  });

  it('stores every item of both formats, the photo items included', () => {
    for (const format of ['rss', 'atom'] as const) {
      const guids = items[format].map((i) => i.guid);
      expect(guids, format).toContain(`tag:127.0.0.1,2024-11-30:${feeds.lead.id}`);
      expect(guids.length, format).toBe(5);
    }
  });

  // newsboat keeps only podcast enclosures (audio/, video/, application/ogg) for podboat: the
  // photo reaches its reader through the inline figure alone, as docs/photos.md expects.
  it('shows the photo inline in the article view, once per photo', () => {
    for (const format of ['rss', 'atom'] as const) {
      const lead = items[format].find((i) => i.guid.endsWith(`:${feeds.lead.id}`))!;
      for (const { large } of feeds.lead.photos)
        expect(lead.content.split(large).length - 1, `${format} ${large}`).toBe(1);
    }
  });
});
