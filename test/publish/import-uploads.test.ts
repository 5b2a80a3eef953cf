import { describe, expect, it } from 'vitest';
import { listUploads, parseUploads, splitMedia, uploadInput } from '../../scripts/lib/import-parse.ts';
import { fixedClock } from '../../shared/clock.ts';
import { parseSiteConfig } from '../../shared/config.ts';
import { silentLog } from '../../shared/log.ts';
import type { Article, CorrectionTarget } from '../../shared/model/issue.ts';
import type { PublishedIssue } from '../../shared/model/published.ts';
import { importUploads } from '../../shared/publish/import-uploads.ts';
import { publishUpload } from '../../shared/publish/publish-upload.ts';
import { MemoryStore } from '../../shared/storage/memory-store.ts';
import type { Store } from '../../shared/storage/store.ts';
import { photoLikeJpeg, photoLikePixels } from '../media/generated-pictures.ts';
import { CountingStore } from '../support/instrumented-store.ts';
import { datesFrom, issuePages, jsonUpload, syntheticIssue } from '../support/synthetic-issues.ts';
import { afterPublication, fixture, makeDeps, snapshot, upload } from './publish-kit.ts';

// maxDaysAhead: the synthetic dates run weeks past the fixed clock.
const config = parseSiteConfig({ siteUrl: 'https://news.example.cn', windowIssues: 3, maxDaysAhead: 366 });
const small = {
  pages: 3,
  articlesPerPage: 2,
  paragraphsPerArticle: 2,
  charsPerParagraph: 40,
  sections: ['要闻', '综合', '体育'],
};

type Upload = { key: string; bytes: Uint8Array };

/** A 更正 notice, as the page-text reader would give it. */
const correction = (id: string, corrects: CorrectionTarget): Article => ({
  id,
  kind: 'correction',
  title: '更正',
  byline: [],
  paragraphs: [
    `本报${corrects.date}第${corrects.page}版《${corrects.title}》一文中，“三个”应为“四个”。特此更正。`,
  ],
  corrects,
});

/** Two uploads per date (pages 1–2, then page 3), as a newsroom drops them. */
const fortnight = (start: string, days: number): Upload[] =>
  datesFrom(start, days).flatMap((date) => {
    const issue = syntheticIssue(date, small);
    return [jsonUpload(issuePages(issue, [1, 2]), 'a'), jsonUpload(issuePages(issue, [3]), 'b')];
  });

/** The site publishing gives: each upload through publishUpload, in date (key) order. */
const published = async (uploads: readonly Upload[], site: Store = new MemoryStore()) => {
  const deps = makeDeps({ config, site });
  for (const part of [...uploads].sort((a, b) => (a.key < b.key ? -1 : 1))) {
    await upload(deps.input, part.key, part.bytes);
    await publishUpload(deps, { type: 'created', key: part.key });
  }
  return deps.site;
};

/** The site the import gives: the uploads under a folder-like source, parsed on this thread. */
const imported = async (
  uploads: readonly Upload[],
  site: Store = new MemoryStore(),
  concurrency?: number,
) => {
  const folder = new MemoryStore();
  for (const part of uploads) await upload(folder, part.key.slice('incoming/'.length), part.bytes);
  const source = { store: folder, prefix: '' };
  const { text, media } = splitMedia(await listUploads(source));
  const summary = await importUploads(
    {
      site,
      config,
      clock: fixedClock(afterPublication),
      log: silentLog,
      input: uploadInput(source),
      ...(concurrency ? { concurrency } : {}),
    },
    parseUploads(source, text, { maxBytes: config.maxUploadBytes, workers: 0 }),
    text.length,
    media,
  );
  return { site, summary };
};

describe('importUploads', () => {
  it.each([
    ['16', 16],
    ['one at a time', 1],
  ])(
    'gives a generated fortnight byte for byte the site publishing it upload by upload gives (writes: %s)',
    async (_, concurrency) => {
      const uploads = fortnight('2024-12-25', 14);
      const { site, summary } = await imported(uploads, new MemoryStore(), concurrency);
      expect(summary).toMatchObject({ uploads: 28, published: 28, rejected: [], issuesWritten: 14 });
      expect(summary.build).toMatchObject({ dates: 14, articles: 14 * 6 });
      const expected = await snapshot(await published(uploads));
      const actual = await snapshot(site);
      expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
      expect(actual).toEqual(expected);
    },
  );

  it('gives the sample with its inside pages the site publishing them gives', async () => {
    const uploads = (['01', '02', '04'] as const).map((page) => ({
      key: `incoming/2024-11-30/${page}.txt`,
      bytes: new Uint8Array(fixture(page)),
    }));
    const { site, summary } = await imported(uploads);
    expect(summary.published).toBe(3);
    const expected = await snapshot(await published(uploads));
    expect(Object.keys(expected).some((k) => k.startsWith('feeds/zonghe/archive/2024-11-30/'))).toBe(true);
    expect(await snapshot(site)).toEqual(expected);
  });

  it('merges into a site that already has issues exactly as publishing would', async () => {
    const first = fortnight('2024-12-25', 5);
    // The catalogue overlaps what was published: a corrected page of an existing date, new dates.
    const corrected = syntheticIssue('2024-12-27', { ...small, seed: 7 });
    const later = [jsonUpload(issuePages(corrected, [3]), 'b'), ...fortnight('2024-12-30', 4)];
    const expected = await snapshot(await published(later, await published(first)));
    const { site } = await imported(later, await published(first));
    expect(await snapshot(site)).toEqual(expected);
  });

  it('reports rejected uploads, lists them, and publishes the others', async () => {
    const uploads = [
      ...fortnight('2024-12-25', 2),
      { key: 'incoming/2024-12-25/c.json', bytes: new TextEncoder().encode('{"date": "2024-12-25"') },
    ];
    const { site, summary } = await imported(uploads);
    expect(summary.rejected).toEqual([
      expect.objectContaining({ key: 'incoming/2024-12-25/c.json', code: expect.any(String) }),
    ]);
    expect(summary.published).toBe(4);
    const report = await site.get('reports/incoming/2024-12-25/c.json.json');
    expect(JSON.parse(new TextDecoder().decode(report!.body))).toMatchObject({ ok: false });
    const expected = await snapshot(await published(uploads));
    expect(await snapshot(site)).toEqual(expected);
  });

  it('attaches an imported 更正 notice to the earlier article it corrects, as publishing does', async () => {
    const target = syntheticIssue('2024-12-27', small).pages[1]!.articles[0]!;
    const noticeDay = syntheticIssue('2025-01-02', small);
    const withNotices = {
      ...noticeDay,
      pages: noticeDay.pages.map((page) =>
        page.number !== 3
          ? page
          : {
              ...page,
              articles: [
                ...page.articles,
                correction('c1', { date: '2024-12-27', page: 2, title: target.title }),
                // No such article: the notice publishes with a warning in its report.
                correction('c2', { date: '2024-12-26', page: 1, title: '并不存在的一篇报道' }),
              ],
            },
      ),
    };
    const uploads = fortnight('2024-12-25', 14).map((part) =>
      part.key === 'incoming/2025-01-02/b.json' ? jsonUpload(issuePages(withNotices, [3]), 'b') : part,
    );
    const { site } = await imported(uploads);
    const expected = await snapshot(await published(uploads));
    const actual = await snapshot(site);
    expect(actual).toEqual(expected);
    const corrected = JSON.parse(actual['issues/2024-12-27.json']!.body) as PublishedIssue;
    const note = corrected.pages[1]!.articles.find((a) => a.title === target.title)!.corrections;
    expect(note).toEqual([expect.objectContaining({ noticeDate: '2025-01-02', noticePage: 3 })]);
    const report = JSON.parse(actual['reports/incoming/2025-01-02/b.json.json']!.body) as {
      warnings: string[];
    };
    expect(report.warnings).toEqual([expect.stringContaining('《并不存在的一篇报道》')]);
  });

  /** Five days; 综合 and 宗和 are both `zonghe`: publishing warns on every page that shares the feed. */
  const homophones = datesFrom('2024-12-25', 5).flatMap((date, i) => {
    const issue = syntheticIssue(date, { ...small, sections: ['要闻', i < 2 ? '综合' : '宗和', '体育'] });
    return [jsonUpload(issuePages(issue, [1, 2]), 'a'), jsonUpload(issuePages(issue, [3]), 'b')];
  });
  const warnedReports = (site: Record<string, { body: string }>) =>
    Object.entries(site)
      .filter(([key, { body }]) => key.startsWith('reports/') && body.includes('shares the feed slug'))
      .map(([key]) => key);

  it('reports two 版名 sharing a feed slug exactly as publishing reports them', async () => {
    const { site } = await imported(homophones);
    const expected = await snapshot(await published(homophones));
    const actual = await snapshot(site);
    expect(actual).toEqual(expected);
    // The window holds 3 issues: 宗和's pages clash while 综合 is among them, then no more.
    expect(warnedReports(actual)).toEqual([
      'reports/incoming/2024-12-27/a.json.json',
      'reports/incoming/2024-12-28/a.json.json',
    ]);
  });

  it('reports a slug clash with the issues a site already has, as publishing does', async () => {
    const [before, after] = [homophones.slice(0, 4), homophones.slice(4)];
    const expected = await snapshot(await published(after, await published(before)));
    const { site } = await imported(after, await published(before));
    const actual = await snapshot(site);
    expect(actual).toEqual(expected);
    expect(warnedReports(actual)).toContain('reports/incoming/2024-12-27/a.json.json');
  });

  it('writes nothing but what changed when the same catalogue is imported again', async () => {
    const uploads = fortnight('2024-12-25', 4);
    const { site } = await imported(uploads);
    const before = await snapshot(site);
    const { summary } = await imported(uploads, site);
    expect(summary.issuesWritten).toBe(0);
    expect(summary.build).toMatchObject({ written: 0, records: 0 });
    expect(await snapshot(site)).toEqual(before);
  });
});

describe('importUploads with photos and facsimiles', () => {
  const sample = '2024-11-30';
  const synthetic = syntheticIssue('2024-11-29', small);
  /** The label of the synthetic front page's first article: the start of its title. */
  const label = synthetic.pages[0]!.articles[0]!.title.slice(0, 4);
  const pdf = '%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n';
  const catalogue = async (): Promise<Upload[]> => [
    jsonUpload(synthetic, 'a'),
    { key: `incoming/2024-11-29/01-${label}.jpg`, bytes: new Uint8Array(await photoLikeJpeg(900, 600, 5)) },
    { key: 'incoming/2024-11-29/02-坏图.png', bytes: new TextEncoder().encode('not a picture at all') },
    ...(['01', '02'] as const).map((page) => ({
      key: `incoming/${sample}/${page}.txt`,
      bytes: new Uint8Array(fixture(page)),
    })),
    { key: `incoming/${sample}/01-古城韵味.png`, bytes: await photoLikePng(800, 600) },
    { key: `incoming/${sample}/02.pdf`, bytes: new TextEncoder().encode(pdf) },
  ];
  const photoLikeJpegBytes = async (seed: number) => new Uint8Array(await photoLikeJpeg(640, 480, seed));
  const photoLikePng = async (width: number, height: number) =>
    new Uint8Array(await (await photoLikePixels(width, height, 2)).png().toBuffer());
  const photosOf = (site: Record<string, { body: string }>, date: string) =>
    (JSON.parse(site[`issues/${date}.json`]!.body) as PublishedIssue).pages.flatMap((page) =>
      page.articles.flatMap((a) => (a.photos ?? []).map((photo) => photo.source)),
    );

  it('gives byte for byte the site publishing text, photos and facsimiles one by one gives', async () => {
    const uploads = await catalogue();
    const { site, summary } = await imported(uploads);
    expect(summary).toMatchObject({ uploads: 7, published: 6 });
    expect(summary.rejected).toEqual([
      expect.objectContaining({ key: 'incoming/2024-11-29/02-坏图.png', code: expect.any(String) }),
    ]);
    const expected = await snapshot(await published(uploads));
    const actual = await snapshot(site);
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    expect(actual).toEqual(expected);
    // Not vacuous: both photos are attached, the facsimile stored, the bad picture reported.
    expect(photosOf(actual, '2024-11-29')).toEqual([`incoming/2024-11-29/01-${label}.jpg`]);
    expect(photosOf(actual, sample)).toEqual([`incoming/${sample}/01-古城韵味.png`]);
    expect(Object.keys(actual).some((k) => k.startsWith('media/') && k.endsWith('.pdf'))).toBe(true);
    expect(JSON.parse(actual['reports/incoming/2024-11-29/02-坏图.png.json']!.body)).toMatchObject({
      ok: false,
    });
    const feed =
      actual['feeds/all/rss.xml'] ?? Object.entries(actual).find(([k]) => k.endsWith('rss.xml'))![1];
    expect(feed.body).toContain('media/');
  });

  it('keeps the photo a site already has for a date when the import rewrites its issue', async () => {
    const [text01, photo] = [
      { key: `incoming/${sample}/01.txt`, bytes: new Uint8Array(fixture('01')) },
      { key: `incoming/${sample}/01-古城韵味.png`, bytes: await photoLikePng(800, 600) },
    ];
    // Page 1 again (its articles are rebuilt from the text, without the photo) and page 2.
    const later = [text01, { key: `incoming/${sample}/02.txt`, bytes: new Uint8Array(fixture('02')) }];
    const expected = await snapshot(await published(later, await published([text01, photo])));
    const { site, summary } = await imported(later, await published([text01, photo]));
    expect(summary.issuesWritten).toBe(1);
    const actual = await snapshot(site);
    expect(photosOf(actual, sample)).toEqual([photo.key]);
    expect(actual).toEqual(expected);
  });

  it('gives the site publishing gives for pictures alone: on an issue the site has, waiting, replacing one', async () => {
    const text01 = { key: `incoming/${sample}/01.txt`, bytes: new Uint8Array(fixture('01')) };
    const photo = { key: `incoming/${sample}/01-古城韵味.png`, bytes: await photoLikePng(800, 600) };
    const replacement = { ...photo, bytes: new Uint8Array(await photoLikeJpeg(700, 500, 9)) };
    const waiting = { key: `incoming/2024-11-29/01-${label}.jpg`, bytes: await photoLikeJpegBytes(3) };
    // Onto an issue the site has (its text is not in the import), and one with no text anywhere.
    const onto = async () => published([text01]);
    const expected = await snapshot(await published([photo, waiting], await onto()));
    const { site, summary } = await imported([photo, waiting], await onto());
    expect(summary).toMatchObject({ uploads: 2, published: 2, rejected: [] });
    const actual = await snapshot(site);
    expect(photosOf(actual, sample)).toEqual([photo.key]);
    expect(JSON.parse(actual[`reports/${waiting.key}.json`]!.body)).toMatchObject({
      media: { status: 'waiting-for-page' },
    });
    expect(actual).toEqual(expected);
    // A replaced picture: its old renditions go, as when published.
    const withPhoto = async () => published([text01, photo]);
    const replaced = await snapshot(await published([replacement], await withPhoto()));
    const importedReplacement = await snapshot((await imported([replacement], await withPhoto())).site);
    expect(importedReplacement).toEqual(replaced);
  });

  it('renders each feed once for all the pictures it imports, not once per picture', async () => {
    const uploads = [
      jsonUpload(synthetic, 'a'),
      ...[1, 2, 3].map(async (n) => ({
        key: `incoming/2024-11-29/01-${label}-${n}.jpg`,
        bytes: await photoLikeJpegBytes(n),
      })),
    ];
    const site = new CountingStore(new MemoryStore());
    await imported(await Promise.all(uploads), site);
    const feedWrites = site.putKeys.filter((k) => k === 'feeds/all/rss.xml');
    expect(feedWrites).toHaveLength(1);
    const issue = JSON.parse(new TextDecoder().decode((await site.get('issues/2024-11-29.json'))!.body));
    expect((issue as PublishedIssue).pages[0]!.articles[0]!.photos).toHaveLength(3);
  });

  it('attaches a photo that waited for its text when the import creates the issue', async () => {
    const photo = { key: `incoming/${sample}/01-古城韵味.png`, bytes: await photoLikePng(800, 600) };
    const text01 = [{ key: `incoming/${sample}/01.txt`, bytes: new Uint8Array(fixture('01')) }];
    const expected = await snapshot(await published(text01, await published([photo])));
    const { site } = await imported(text01, await published([photo]));
    const actual = await snapshot(site);
    expect(photosOf(actual, sample)).toEqual([photo.key]);
    // The photo's report, which said it waited for page 1, now says where it went.
    const photoReport = JSON.parse(actual[`reports/${photo.key}.json`]!.body) as {
      media: { status: string };
    };
    expect(photoReport.media.status).toBe('attached');
    expect(actual).toEqual(expected);
  });
});
