import { describe, expect, it } from 'vitest';
import { changedFeedSlugs } from '../../functions/build-feeds/changed-feeds.ts';

describe('changedFeedSlugs', () => {
  it('names each feed whose subscription documents were written or deleted, all first, then by slug', () => {
    expect(
      changedFeedSlugs([
        'articles/2024-11-30/p1-a.json',
        'feeds/zonghe/rss.xml',
        'feeds/yaowen/atom.xml',
        'feeds/zonghe/feed.json',
        'feeds/all/rss.xml',
        'issues/2024-11-30.json',
        'feeds.opml',
      ]),
    ).toEqual(['all', 'yaowen', 'zonghe']);
  });

  it('leaves out archives and anything else under feeds/', () => {
    expect(
      changedFeedSlugs([
        'feeds/all/archive/2024-11-30/rss.xml',
        'feeds/yaowen/notes.txt',
        'feeds//rss.xml',
        'feeds/rss.xml',
      ]),
    ).toEqual([]);
  });
});
