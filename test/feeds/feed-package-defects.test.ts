import { Feed } from 'feed';
import { describe, expect, it } from 'vitest';
import { assertWellFormed } from './xml-check.ts';

/**
 * Why shared/feeds renders by hand: the design names `feed` (6.0.0) as the generator, and these
 * tests pin the defects that made us replace each of its renderers (docs/feeds.md). They run the
 * real package, so when an upgrade fixes one, its test fails and tells us to reconsider using it.
 */
const beijingFiveAm = new Date('2024-11-30T05:00:00+08:00');

const makeFeed = (title = '衢州日报') => {
  const feed = new Feed({
    title,
    id: 'https://news.example.cn/',
    link: 'https://news.example.cn/',
    copyright: '衢州市新闻传媒中心',
    updated: beijingFiveAm,
    language: 'zh-CN',
  });
  feed.addItem({
    title: `高屹率团赴韩国开展经贸考察访问${title === '衢州日报' ? '' : title}`,
    id: 'tag:news.example.cn,2024-11-30:p1-1a2b3c4d',
    link: 'https://news.example.cn/articles/2024-11-30/p1-1a2b3c4d',
    date: beijingFiveAm,
    content: '<p>本报讯 ends ]]> here ]]> twice</p>',
    author: [{ name: '徐颖之' }, { name: '胡灵萍' }],
  });
  return feed;
};

describe('the feed package (6.0.0), and why we do not render with it', () => {
  it('writes Beijing times as GMT/UTC, never with the +08:00 offset readers need', () => {
    const feed = makeFeed();
    expect(feed.rss2()).toContain('<pubDate>Fri, 29 Nov 2024 21:00:00 GMT</pubDate>');
    expect(feed.atom1()).toContain('2024-11-29T21:00:00.000Z');
    expect(feed.rss2()).not.toContain('+0800');
  });

  it('emits JSON Feed version 1 without language and with only the first author', () => {
    const json = JSON.parse(makeFeed().json1()) as Record<string, unknown> & {
      items: Array<Record<string, unknown>>;
    };
    expect(json.version).toBe('https://jsonfeed.org/version/1');
    expect(json.language).toBeUndefined();
    expect(json.items[0]?.authors).toBeUndefined();
  });

  it('writes no dc:creator for bylines', () => {
    const rss = makeFeed().rss2();
    expect(rss).not.toContain('dc:creator');
  });

  it('passes control characters through into ill-formed XML', () => {
    const rss = makeFeed('标题\u0001\u0008').rss2();
    expect(rss).toContain('\u0001');
    expect(() => assertWellFormed(rss)).toThrow();
  });

  it('puts no xml:lang on the Atom feed', () => {
    expect(makeFeed().atom1()).not.toContain('xml:lang');
  });
});
