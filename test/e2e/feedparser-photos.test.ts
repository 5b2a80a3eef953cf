import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PhotoFeeds, servePhotoFeeds } from './support/photo-feeds.ts';
import { findFeedparserPython, run, warnMissing } from './support/tools.ts';

interface ParsedEntry {
  id: string | null;
  summary: string | null;
  enclosures: Array<Record<string, string>>;
  media_content: Array<Record<string, string>>;
  media_thumbnail: Array<Record<string, string>>;
  media_credit: Array<Record<string, string>>;
}
interface ParsedFeed {
  url: string;
  bozo: number;
  bozo_exception: string | null;
  entries: ParsedEntry[];
}

const script = fileURLToPath(new URL('./feedparser-check.py', import.meta.url));
const python = await findFeedparserPython();
if (python === undefined) warnMissing('python3-feedparser', 'python3-feedparser');

describe.skipIf(python === undefined)('python3-feedparser reads the photos of an item', () => {
  let feeds: PhotoFeeds;
  let rss: ParsedFeed;
  let atom: ParsedFeed;

  beforeAll(async () => {
    feeds = await servePhotoFeeds();
    const { stdout } = await run(python!, [script, feeds.url('rss'), feeds.url('atom')]);
    [rss, atom] = JSON.parse(stdout) as [ParsedFeed, ParsedFeed];
  });
  afterAll(async () => {
    await feeds?.close();
  });

  const leadOf = (feed: ParsedFeed) => feed.entries.find((e) => e.id?.endsWith(`:${feeds.lead.id}`))!;

  it('parses both documents without bozo', () => {
    for (const feed of [rss, atom]) expect([feed.bozo, feed.bozo_exception]).toEqual([0, null]);
  });

  it('sees exactly one RSS enclosure: the large JPEG with its length and type', () => {
    const [first] = feeds.lead.photos;
    expect(leadOf(rss).enclosures).toEqual([
      { href: first!.large, length: String(first!.photo.large.bytes), type: 'image/jpeg' },
    ]);
  });

  it('sees Media RSS content, thumbnails and the photographer credit', () => {
    const entry = leadOf(rss);
    expect(entry.media_content).toEqual(
      feeds.lead.photos.map(({ large, photo }) => ({
        url: large,
        medium: 'image',
        type: 'image/jpeg',
        width: String(photo.large.width),
        height: String(photo.large.height),
        filesize: String(photo.large.bytes),
      })),
    );
    expect(entry.media_thumbnail.map((t) => t.url)).toEqual(feeds.lead.photos.map((p) => p.thumbnail));
    expect(entry.media_credit[0]).toEqual({ role: 'photographer', scheme: 'urn:ebu', content: '刘芸' });
    // media:description is read as a description: the item's own summary must still win.
    expect(entry.summary).toMatch(/^11月26日至29日/);
  });

  it('sees every photo as an Atom enclosure', () => {
    expect(leadOf(atom).enclosures.map((e) => [e.href, e.type, e.length])).toEqual(
      feeds.lead.photos.map(({ large, photo }) => [large, 'image/jpeg', String(photo.large.bytes)]),
    );
  });

  it('sees no picture on items without photos', () => {
    const withPhotos = [`:${feeds.lead.id}`, ':p1-0c0c0c0c'];
    const others = rss.entries.filter((e) => !withPhotos.some((id) => e.id?.endsWith(id)));
    expect(others.length).toBeGreaterThan(0);
    for (const entry of others) expect([entry.enclosures, entry.media_content]).toEqual([[], []]);
  });
});
