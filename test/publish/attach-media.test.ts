import { describe, expect, it } from 'vitest';
import type { MediaRendition, PublishedArticle, PublishedIssue } from '../../shared/model/published.ts';
import { attachMedia } from '../../shared/publish/attach-media.ts';
import type { MediaEntry, MediaStateDoc } from '../../shared/publish/media-state.ts';

const rendition = (name: string, width: number): MediaRendition => ({
  key: `media/${name}/${width}.jpg`,
  type: 'image/jpeg',
  width,
  height: width / 2,
  bytes: 1000,
});

const article = (id: string, title: string, extra: Partial<PublishedArticle> = {}): PublishedArticle => ({
  id,
  kind: 'news',
  title,
  byline: [],
  paragraphs: ['正文'],
  order: 0,
  published: '2024-11-30T05:00:00+08:00',
  updated: '2024-11-30T05:00:00+08:00',
  contentHash: 'h',
  status: 'published',
  ...extra,
});

const issueOf = (...pages: Array<{ number: number; articles: PublishedArticle[] }>): PublishedIssue => ({
  schemaVersion: 1,
  paper: { name: '衢州日报' },
  date: '2024-11-30',
  pages: pages.map((p) => ({
    ...p,
    section: '要闻',
    sectionSlug: 'yaowen',
    source: `incoming/2024-11-30/0${p.number}.txt`,
  })),
  updated: '2024-11-30T05:00:00+08:00',
});

const photo = (page: number, label: string, sequence = 1, name = label): MediaEntry => ({
  kind: 'photo',
  page,
  label,
  sequence,
  digest: name,
  photo: { large: rendition(name, 1200), thumbnail: rendition(name, 400) },
});

const state = (uploads: Record<string, MediaEntry>): MediaStateDoc => ({ date: '2024-11-30', uploads });
const key = (file: string) => `incoming/2024-11-30/${file}`;

describe('attachMedia', () => {
  const page1 = {
    number: 1,
    articles: [
      article('p1-a', '古城韵味 大美衢州', {
        caption: '银杏与红墙',
        byline: [{ name: '刘芸', role: 'photographer' }],
      }),
      article('p1-b', '衢州新闻'),
      article('p1-c', '衢州'),
      article('p1-d', '衢州快讯'),
    ],
  };

  it('attaches by label, orders an article’s photos by number, and credits the byline’s photographer', () => {
    const { issue, outcomes } = attachMedia(
      issueOf(page1),
      state({
        [key('01-古城韵味-10.jpg')]: photo(1, '古城韵味', 10, 'c'),
        [key('01-古城韵味-2.jpg')]: photo(1, '古城韵味', 2, 'b'),
        [key('01-古城韵味.jpg')]: photo(1, '古城韵味', 1, 'a'),
      }),
    );
    const photos = issue.pages[0]!.articles[0]!.photos!;
    expect(photos.map((p) => p.large.key)).toEqual([
      'media/a/1200.jpg',
      'media/b/1200.jpg',
      'media/c/1200.jpg',
    ]);
    expect(photos[0]).toMatchObject({
      caption: '银杏与红墙',
      credit: { printed: '刘芸 摄', photographers: ['刘芸'] },
    });
    expect(outcomes.get(key('01-古城韵味.jpg'))).toEqual({
      status: 'attached',
      page: 1,
      articleId: 'p1-a',
      title: '古城韵味 大美衢州',
    });
  });

  it('prefers the article whose whole title is the label, and guesses nothing between others', () => {
    const { issue, outcomes } = attachMedia(
      issueOf(page1),
      state({ [key('01-衢州.jpg')]: photo(1, '衢州'), [key('01-衢州新.jpg')]: photo(1, '衢州新') }),
    );
    expect(issue.pages[0]!.articles.find((a) => a.id === 'p1-c')!.photos).toHaveLength(1);
    expect(outcomes.get(key('01-衢州新.jpg'))?.status).toBe('attached');
    const again = attachMedia(issueOf(page1), state({ [key('01-衢州快.jpg')]: photo(1, '衢州快') }));
    expect(again.outcomes.get(key('01-衢州快.jpg'))?.status).toBe('attached');
    const neither = attachMedia(
      issueOf({ number: 1, articles: [article('x', '衢州新闻一'), article('y', '衢州新闻二')] }),
      state({ [key('01-衢州新闻.jpg')]: photo(1, '衢州新闻') }),
    );
    expect(neither.outcomes.get(key('01-衢州新闻.jpg'))).toMatchObject({
      status: 'ambiguous-photo',
      candidates: ['衢州新闻一', '衢州新闻二'],
    });
    expect(neither.issue.pages[0]!.articles.every((a) => a.photos === undefined)).toBe(true);
  });

  it('matches live articles only and waits for a page without text', () => {
    const retracted = { number: 1, articles: [article('r', '古城韵味', { status: 'retracted' })] };
    const { outcomes } = attachMedia(
      issueOf(retracted),
      state({ [key('01-古城韵味.jpg')]: photo(1, '古城韵味'), [key('03-夜景.jpg')]: photo(3, '夜景') }),
    );
    expect(outcomes.get(key('01-古城韵味.jpg'))?.status).toBe('waiting-for-page');
    expect(outcomes.get(key('03-夜景.jpg'))).toEqual({ status: 'waiting-for-page', page: 3 });
  });

  it('puts photos a document names first, in its order, with its caption and credit', () => {
    const named = article('p1-a', '会议召开', {
      photoRefs: [
        { file: '01-主席台.jpg', caption: '主席台', credit: '通讯员 张三 摄' },
        { file: '01-会场.jpg' },
      ],
      caption: '会场',
    });
    const { issue } = attachMedia(
      issueOf({ number: 1, articles: [named] }),
      state({
        [key('01-会议.jpg')]: photo(1, '会议', 1, 'label'),
        [key('01-会场.jpg')]: photo(1, '会场', 1, 'second'),
        [key('01-主席台.jpg')]: photo(1, '主席台', 1, 'first'),
      }),
    );
    expect(issue.pages[0]!.articles[0]!.photos!.map((p) => [p.source, p.caption, p.credit?.printed])).toEqual(
      [
        [key('01-主席台.jpg'), '主席台', '通讯员 张三 摄'],
        [key('01-会场.jpg'), '会场', undefined],
        [key('01-会议.jpg'), '会场', undefined],
      ],
    );
  });

  it('gives a page its PDF over its page image, and removes what the state no longer holds', () => {
    const facsimile = (type: 'application/pdf' | 'image/jpeg', name: string): MediaEntry => ({
      kind: 'facsimile',
      page: 1,
      digest: name,
      facsimile: { document: { key: `media/${name}/x`, type, bytes: 10 } },
    });
    const withBoth = attachMedia(
      issueOf(page1),
      state({
        [key('01.jpg')]: facsimile('image/jpeg', 'img'),
        [key('01.pdf')]: facsimile('application/pdf', 'pdf'),
      }),
    );
    expect(withBoth.issue.pages[0]!.facsimile?.source).toBe(key('01.pdf'));
    expect(withBoth.outcomes.get(key('01.jpg'))).toEqual({
      status: 'superseded-facsimile',
      page: 1,
      by: key('01.pdf'),
    });
    const emptied = attachMedia(withBoth.issue, state({}));
    expect(emptied.issue).toEqual(issueOf(page1));
  });

  it('leaves content hashes and times alone', () => {
    const before = issueOf(page1);
    const { issue } = attachMedia(before, state({ [key('01-古城韵味.jpg')]: photo(1, '古城韵味') }));
    const { photos: _photos, ...rest } = issue.pages[0]!.articles[0]!;
    expect(rest).toEqual(before.pages[0]!.articles[0]);
    expect(issue.updated).toBe(before.updated);
  });
});
