import { describe, expect, it } from 'vitest';
import { sectionSlug } from '../../shared/feeds/feed-spec.ts';
import type { Issue } from '../../shared/model/issue.ts';
import type { PublishedIssue } from '../../shared/model/published.ts';
import { canonicalJson } from '../../shared/publish/canonical-json.ts';
import { contentHash } from '../../shared/publish/content-hash.ts';
import { type MergeContext, mergeUpload } from '../../shared/publish/merge-upload.ts';
import { retractUpload } from '../../shared/publish/retract-upload.ts';
import { readUpload } from '../../shared/readers/read-upload.ts';
import { config, fixture } from './publish-kit.ts';

const page = (n: '01' | '02' | '04') => readUpload(fixture(n), `incoming/2024-11-30/${n}.txt`);
const context = (source: string, iso = '2024-12-01T02:00:00Z'): MergeContext => ({
  source,
  config,
  now: new Date(iso),
  slugOf: (section) => sectionSlug(section, config),
});
const articles = (issue: PublishedIssue) => issue.pages.flatMap((p) => p.articles);
const live = (issue: PublishedIssue) => articles(issue).filter((a) => a.status === 'published');

/** The upload with one article's title or first paragraph edited. */
const edit = (issue: Issue, index: number, change: (a: Issue['pages'][0]['articles'][0]) => void): Issue => {
  const copy = structuredClone(issue);
  change(copy.pages[0]!.articles[index]!);
  return copy;
};

describe('mergeUpload', () => {
  const front = page('01');
  const first = mergeUpload(undefined, front, context('incoming/2024-11-30/01.txt'));

  it('gives articles distinct times in reading order, the lead newest, at 05:00 Beijing time', () => {
    const times = articles(first).map((a) => a.published);
    expect(times[0]).toBe('2024-11-30T05:00:00+08:00');
    expect(times[1]).toBe('2024-11-30T04:59:59+08:00');
    expect(new Set(times).size).toBe(times.length);
    expect(articles(first).map((a) => a.order)).toEqual(times.map((_, i) => i));
    for (const a of articles(first)) expect(a.updated).toBe(a.published);
  });

  it('caps the publication time at the build clock for an issue uploaded the evening before', () => {
    const early = mergeUpload(
      undefined,
      front,
      context('incoming/2024-11-30/01.txt', '2024-11-29T14:30:00Z'),
    );
    expect(articles(early)[0]!.published).toBe('2024-11-29T22:30:00+08:00');
    // a later correction keeps that time: it is the issue's, not the build's
    const later = mergeUpload(early, front, context('incoming/2024-11-30/01.txt', '2024-11-30T03:00:00Z'));
    expect(articles(later)[0]!.published).toBe('2024-11-29T22:30:00+08:00');
  });

  it('is deterministic and changes nothing when the same upload is merged again', () => {
    const again = mergeUpload(first, front, context('incoming/2024-11-30/01.txt', '2024-12-05T00:00:00Z'));
    expect(canonicalJson(again)).toBe(canonicalJson(first));
  });

  it('keeps the article id and published time across a typo fix in the title, and moves updated', () => {
    const fixed = edit(front, 1, (a) => {
      a.title = a.title.replace('考察', '考查');
    });
    const next = mergeUpload(first, fixed, context('incoming/2024-11-30/01.txt', '2024-12-02T00:00:00Z'));
    const before = articles(first)[1]!;
    const after = articles(next)[1]!;
    expect(after.id).toBe(before.id);
    expect(after.published).toBe(before.published);
    expect(after.updated).toBe('2024-12-02T08:00:00+08:00');
    expect(after.contentHash).not.toBe(before.contentHash);
    expect(next.updated).toBe('2024-12-02T08:00:00+08:00');
    // the others are untouched
    expect(articles(next)[2]).toEqual(articles(first)[2]);
  });

  it('keeps the article id across a typo fix in the body', () => {
    const fixed = edit(front, 2, (a) => {
      a.paragraphs[0] = a.paragraphs[0]!.replace('举行', '召开');
    });
    const next = mergeUpload(first, fixed, context('incoming/2024-11-30/01.txt'));
    expect(articles(next)[2]!.id).toBe(articles(first)[2]!.id);
  });

  it('keeps every id when an article is inserted, and gives the new one its own', () => {
    const inserted = structuredClone(front);
    inserted.pages[0]!.articles.splice(1, 0, {
      id: 'p1-00000001',
      kind: 'brief',
      title: '城区新增120个公共充电桩',
      byline: [],
      paragraphs: ['记者从市交通局获悉,今年城区新增公共充电桩120个。'],
    });
    const next = mergeUpload(first, inserted, context('incoming/2024-11-30/01.txt'));
    const ids = live(next).map((a) => a.id);
    expect(ids).toEqual([
      articles(first)[0]!.id,
      'p1-00000001',
      ...articles(first)
        .slice(1)
        .map((a) => a.id),
    ]);
    expect(new Set(articles(next).map((a) => a.published)).size).toBe(articles(next).length);
  });

  it('retracts an article a re-upload drops, keeping its id, and revives it when it returns', () => {
    const dropped = structuredClone(front);
    const [removed] = dropped.pages[0]!.articles.splice(3, 1);
    const next = mergeUpload(first, dropped, context('incoming/2024-11-30/01.txt'));
    const gone = articles(next).find((a) => a.id === articles(first)[3]!.id)!;
    expect(removed).toBeDefined();
    expect(gone.status).toBe('retracted');
    expect(gone.retractedAt).toBe('2024-12-01T10:00:00+08:00');
    const back = mergeUpload(next, front, context('incoming/2024-11-30/01.txt'));
    const revived = articles(back).find((a) => a.id === gone.id)!;
    expect(revived.status).toBe('published');
    expect(revived.retractedAt).toBeUndefined();
  });

  it('resolves a teaser jump to the article on the target page once that page arrives', () => {
    const teaser = articles(first).find((a) => a.jump?.page === 4)!;
    expect(teaser.jumpTarget).toBeUndefined();
    const withPage4 = mergeUpload(first, page('04'), context('incoming/2024-11-30/04.txt'));
    const resolved = articles(withPage4).find((a) => a.id === teaser.id)!;
    const target = withPage4.pages
      .find((p) => p.number === 4)!
      .articles.find((a) => a.id === resolved.jumpTarget?.id);
    expect(resolved.jumpTarget?.page).toBe(4);
    expect(target?.title).toBe(resolved.jumpTarget?.title);
    expect(target?.title).toContain('马克思主义');
  });

  it('gives the same document whatever order the pages arrive in', () => {
    const keys = {
      '01': 'incoming/2024-11-30/01.txt',
      '02': 'incoming/2024-11-30/02.txt',
      '04': 'incoming/2024-11-30/04.txt',
    };
    const inOrder = (['01', '02', '04'] as const).reduce<PublishedIssue | undefined>(
      (issue, n) => mergeUpload(issue, page(n), context(keys[n])),
      undefined,
    );
    const reversed = (['04', '02', '01'] as const).reduce<PublishedIssue | undefined>(
      (issue, n) => mergeUpload(issue, page(n), context(keys[n])),
      undefined,
    );
    expect(canonicalJson(reversed)).toBe(canonicalJson(inOrder));
    expect(inOrder!.pages.map((p) => [p.number, p.source])).toEqual([
      [1, keys['01']],
      [2, keys['02']],
      [4, keys['04']],
    ]);
  });

  it('hashes only content fields', () => {
    const a = front.pages[0]!.articles[0]!;
    expect(contentHash({ ...a, id: 'other-id' })).toBe(contentHash(a));
    expect(contentHash({ ...a, title: `${a.title}!` })).not.toBe(contentHash(a));
  });
});

describe('retractUpload', () => {
  const keys = ['incoming/2024-11-30/01.txt', 'incoming/2024-11-30/02.txt'] as const;
  const both = mergeUpload(
    mergeUpload(undefined, page('01'), context(keys[0])),
    page('02'),
    context(keys[1]),
  );

  it('retracts the articles of the pages from the removed upload only', () => {
    const after = retractUpload(both, keys[1], new Date('2024-12-03T00:00:00Z'));
    const [p1, p2] = after.pages;
    expect(p1!.articles.every((a) => a.status === 'published')).toBe(true);
    expect(
      p2!.articles.every((a) => a.status === 'retracted' && a.retractedAt === '2024-12-03T08:00:00+08:00'),
    ).toBe(true);
    // times and ids stay; the issue's updated moves to the retraction
    expect(p2!.articles.map((a) => [a.id, a.published])).toEqual(
      both.pages[1]!.articles.map((a) => [a.id, a.published]),
    );
    expect(after.updated).toBe('2024-12-03T08:00:00+08:00');
  });

  it('drops jump targets that point into the retracted page', () => {
    const after = retractUpload(both, keys[1], new Date('2024-12-03T00:00:00Z'));
    const teaser = after.pages[0]!.articles.find((a) => a.jump?.page === 2);
    expect(both.pages[0]!.articles.find((a) => a.jump?.page === 2)?.jumpTarget).toBeDefined();
    expect(teaser?.jumpTarget).toBeUndefined();
  });

  it('returns the same document for a repeated removal', () => {
    const once = retractUpload(both, keys[1], new Date('2024-12-03T00:00:00Z'));
    expect(retractUpload(once, keys[1], new Date('2024-12-04T00:00:00Z'))).toBe(once);
  });
});
