import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../../shared/config.ts';
import { silentLog } from '../../shared/log.ts';
import type { ArticleRecord } from '../../shared/model/published.ts';
import { parseJsonBytes } from '../../shared/publish/canonical-json.ts';
import type { MediaStateDoc } from '../../shared/publish/media-state.ts';
import type { MediaUploadReport } from '../../shared/publish/publish-media.ts';
import { publishUpload, type UploadEvent } from '../../shared/publish/publish-upload.ts';
import { rebuildSite } from '../../shared/publish/rebuild-site.ts';
import { articleKey, mediaStateKey, reportKey } from '../../shared/site-layout.ts';
import { MemoryStore } from '../../shared/storage/memory-store.ts';
import type { Store } from '../../shared/storage/store.ts';
import { photoLikeJpeg, photoLikePixels, pngBomb } from '../media/generated-pictures.ts';
import { FaultyStore } from '../support/instrumented-store.ts';
import { config, fixture, makeDeps, readIssue, snapshot, upload } from './publish-kit.ts';

const date = '2024-11-30';
const textKey = `incoming/${date}/01.txt`;
const photoKey = `incoming/${date}/01-古城韵味.jpg`;
const created = (key: string): UploadEvent => ({ type: 'created', key });
const removed = (key: string): UploadEvent => ({ type: 'removed', key });

const put = async (deps: { input: Store }, key: string, body: Uint8Array | string) =>
  upload(deps.input, key, body);
const publish = async (deps: ReturnType<typeof makeDeps>, key: string, body: Uint8Array | string) => {
  await put(deps, key, body);
  return publishUpload(deps, created(key));
};

const json = async <T>(site: Store, key: string) => {
  const found = await site.get(key);
  return found === undefined ? undefined : parseJsonBytes<T>(found.body);
};

/** The front page's photo article, 古城韵味 大美衢州, as published. */
const photoArticle = async (site: Store) => {
  const issue = await readIssue(site, date);
  return issue!.pages.find((p) => p.number === 1)!.articles.find((a) => a.title.startsWith('古城韵味'))!;
};

const mediaKeys = async (site: Store) => {
  const keys: string[] = [];
  for await (const key of site.list('media/')) keys.push(key);
  return keys;
};

describe('photo uploads', () => {
  it('attaches a photo to the article its label begins, with the 摄 line as caption and credit', async () => {
    const deps = makeDeps();
    await publish(deps, textKey, fixture('01'));
    const outcome = await publish(deps, photoKey, await photoLikeJpeg(1600, 1200, 3));
    expect(outcome.status).toBe('published');
    const article = await photoArticle(deps.site);
    expect(article.photos).toHaveLength(1);
    const photo = article.photos![0]!;
    expect(photo.source).toBe(photoKey);
    expect(photo.credit).toEqual({ printed: '刘芸 摄', photographers: ['刘芸'] });
    expect(photo.caption).toContain('孔氏南宗家庙');
    expect([photo.large.width, photo.large.height, photo.large.type]).toEqual([1200, 900, 'image/jpeg']);
    const stored = await deps.site.get(photo.large.key);
    expect(stored?.contentType).toBe('image/jpeg');
    expect(stored?.cacheControl).toBe('public, max-age=31536000, immutable');
    expect(stored?.body.length).toBe(photo.large.bytes);
    // The permalink record carries it too, and the article's content did not change.
    const record = await json<ArticleRecord>(deps.site, articleKey(date, article.id));
    expect(record?.article.photos).toEqual(article.photos);
    expect(article.updated).toBe(article.published);
    expect(outcome.report).toMatchObject({
      ok: true,
      pages: [1],
      articles: 1,
      media: { status: 'attached', page: 1, articleId: article.id },
    });
  });

  it('reports a label that begins no article as unmatched-photo, naming labels that would match', async () => {
    const deps = makeDeps();
    await publish(deps, textKey, fixture('01'));
    const outcome = await publish(deps, `incoming/${date}/01-大美衢州.jpg`, await photoLikeJpeg(800, 600));
    expect(outcome.report.ok).toBe(true);
    const report = outcome.report as {
      warnings?: string[];
      media?: { status: string; candidates: string[] };
    };
    expect(report.media?.status).toBe('unmatched-photo');
    expect(report.media?.candidates).toContain('古城韵味');
    expect(report.warnings?.[0]).toMatch(/^unmatched-photo: .*古城韵味/);
    const issue = await readIssue(deps.site, date);
    expect(issue!.pages.flatMap((p) => p.articles).some((a) => a.photos !== undefined)).toBe(false);
  });

  it('publishes the same bytes whether the photo arrives before or after the text', async () => {
    const picture = await photoLikeJpeg(1000, 800, 5);
    const textFirst = makeDeps();
    await publish(textFirst, textKey, fixture('01'));
    await publish(textFirst, photoKey, picture);
    const photoFirst = makeDeps();
    const waiting = await publish(photoFirst, photoKey, picture);
    expect(waiting.report).toMatchObject({ ok: true, media: { status: 'waiting-for-page' } });
    await publish(photoFirst, textKey, fixture('01'));
    expect((await photoArticle(photoFirst.site)).photos).toHaveLength(1);
    // Every object, reports included: the photo's report is rewritten when its text arrives.
    expect(await snapshot(photoFirst.site)).toEqual(await snapshot(textFirst.site));
  });

  it('takes a named photo from the issue document, with the document’s caption and credit', async () => {
    const deps = makeDeps();
    await publish(deps, textKey, fixture('01'));
    const page = await readIssue(deps.site, date);
    const lead = page!.pages[0]!.articles[0]!;
    const issueJson = JSON.parse(
      readFileSync(new URL('../fixtures/quzhou-daily-2024-11-30-page01.json', import.meta.url), 'utf8'),
    );
    const first = issueJson.pages[0].articles[0];
    first.photos = [{ file: '01-现场.jpg', caption: '会场一角', credit: '通讯员 张三 摄' }];
    await publish(deps, textKey, JSON.stringify(issueJson));
    await publish(deps, `incoming/${date}/01-现场.jpg`, await photoLikeJpeg(900, 600, 8));
    const issue = await readIssue(deps.site, date);
    const article = issue!.pages[0]!.articles.find((a) => a.id === lead.id)!;
    expect(article.photoRefs).toEqual(first.photos);
    expect(article.photos?.map((p) => [p.caption, p.credit?.printed, p.credit?.photographers])).toEqual([
      ['会场一角', '通讯员 张三 摄', ['张三']],
    ]);
  });
});

describe('replacing and deleting media', () => {
  it('replaces a re-uploaded photo and deletes the renditions nothing uses any more', async () => {
    const deps = makeDeps();
    await publish(deps, textKey, fixture('01'));
    await publish(deps, photoKey, await photoLikeJpeg(800, 600, 1));
    const before = await mediaKeys(deps.site);
    expect(before).toHaveLength(4);
    await publish(deps, photoKey, await photoLikeJpeg(800, 600, 2));
    const after = await mediaKeys(deps.site);
    expect(after).toHaveLength(4);
    expect(after.filter((k) => before.includes(k))).toEqual([]);
    expect((await photoArticle(deps.site)).photos![0]!.large.key).toBe(
      after.find((k) => k.endsWith('/800.jpg')),
    );
  });

  it('takes a deleted photo off its article and deletes its renditions', async () => {
    const deps = makeDeps();
    await publish(deps, textKey, fixture('01'));
    await publish(deps, photoKey, await photoLikeJpeg(800, 600, 1));
    await deps.input.delete(photoKey);
    const outcome = await publishUpload(deps, removed(photoKey));
    expect(outcome.status).toBe('retracted');
    expect((await photoArticle(deps.site)).photos).toBeUndefined();
    expect(await mediaKeys(deps.site)).toEqual([]);
    const state = await json<MediaStateDoc>(deps.site, mediaStateKey(date));
    expect(state?.uploads).toEqual({});
  });

  it('rewrites a photo’s report when its text is retracted, and again when the text returns', async () => {
    const deps = makeDeps();
    await publish(deps, textKey, fixture('01'));
    await publish(deps, photoKey, await photoLikeJpeg(800, 600, 1));
    const photoReport = () => json<MediaUploadReport>(deps.site, reportKey(photoKey));
    expect((await photoReport())?.media?.status).toBe('attached');
    await deps.input.delete(textKey);
    expect((await publishUpload(deps, removed(textKey))).status).toBe('retracted');
    expect(await photoReport()).toMatchObject({
      media: { status: 'waiting-for-page', page: 1 },
      warnings: [expect.stringMatching(/^page 1 has no published text/)],
    });
    await publish(deps, textKey, fixture('01'));
    expect((await photoReport())?.media?.status).toBe('attached');
    expect((await photoArticle(deps.site)).photos).toHaveLength(1);
  });

  it.each([
    ['the issue document', (f: FaultyStore) => f.failPutWhen((a) => a.key.startsWith('issues/2024'))],
    [
      'a rendition delete',
      (f: FaultyStore) => f.failOtherWhen((m, k) => m === 'delete' && k.startsWith('media/')),
    ],
    ['the refs document', (f: FaultyStore) => f.failPutWhen((a) => a.key.startsWith('state/media/refs/'))],
  ])('finishes a deletion interrupted at %s when the event is retried', async (_what, inject) => {
    const faulty = new FaultyStore(new MemoryStore());
    const deps = makeDeps({ site: faulty });
    await publish(deps, textKey, fixture('01'));
    await publish(deps, photoKey, await photoLikeJpeg(800, 600, 1));
    await deps.input.delete(photoKey);
    inject(faulty);
    await expect(publishUpload(deps, removed(photoKey))).rejects.toThrow('injected fault');
    faulty.clear();
    await publishUpload(deps, removed(photoKey));
    expect((await photoArticle(deps.site)).photos).toBeUndefined();
    expect(await mediaKeys(deps.site)).toEqual([]);
    expect(await json<MediaStateDoc>(deps.site, mediaStateKey(date))).toEqual({ date, uploads: {} });
  });

  it('finishes a replacement interrupted before the old renditions were deleted', async () => {
    const faulty = new FaultyStore(new MemoryStore());
    const deps = makeDeps({ site: faulty });
    await publish(deps, textKey, fixture('01'));
    await publish(deps, photoKey, await photoLikeJpeg(800, 600, 1));
    const old = await mediaKeys(deps.site);
    faulty.failOtherWhen((m, k) => m === 'delete' && k.startsWith('media/'));
    await expect(publish(deps, photoKey, await photoLikeJpeg(800, 600, 2))).rejects.toThrow('injected fault');
    faulty.clear();
    await publishUpload(deps, created(photoKey));
    const now = await mediaKeys(deps.site);
    expect(now).toHaveLength(4);
    expect(now.filter((k) => old.includes(k))).toEqual([]);
  });

  it('keeps renditions another upload of the same picture still uses', async () => {
    const deps = makeDeps();
    await publish(deps, textKey, fixture('01'));
    const picture = await photoLikeJpeg(800, 600, 4);
    const second = `incoming/${date}/01-古城韵味-2.jpg`;
    await publish(deps, photoKey, picture);
    await publish(deps, second, picture);
    expect((await photoArticle(deps.site)).photos?.map((p) => p.source)).toEqual([photoKey, second]);
    await deps.input.delete(photoKey);
    await publishUpload(deps, removed(photoKey));
    expect(await mediaKeys(deps.site)).toHaveLength(4);
    expect((await photoArticle(deps.site)).photos?.map((p) => p.source)).toEqual([second]);
  });

  it('publishes a page PDF and a page image as the page facsimile, the PDF winning', async () => {
    const deps = makeDeps();
    await publish(deps, textKey, fixture('01'));
    const image = await publish(deps, `incoming/${date}/01.jpg`, await photoLikeJpeg(2400, 3400, 6));
    expect(image.report).toMatchObject({ media: { status: 'facsimile', page: 1 } });
    let page = (await readIssue(deps.site, date))!.pages[0]!;
    expect(page.facsimile?.document).toMatchObject({ type: 'image/jpeg', width: 2000 });
    expect(page.facsimile?.thumbnail?.width).toBeLessThanOrEqual(400);
    const pdf = '%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n';
    await publish(deps, `incoming/${date}/01.pdf`, pdf);
    page = (await readIssue(deps.site, date))!.pages[0]!;
    expect(page.facsimile?.source).toBe(`incoming/${date}/01.pdf`);
    expect(page.facsimile?.document.type).toBe('application/pdf');
    const stored = await deps.site.get(page.facsimile!.document.key);
    expect(stored?.contentType).toBe('application/pdf');
    expect(page.facsimile!.document.key).toMatch(/^media\/[0-9a-f]{16}\/2024-11-30-01\.pdf$/);
  });
});

describe('what a published picture carries', () => {
  it('publishes a JPEG with GPS in its EXIF without GPS in any stored object', async () => {
    const deps = makeDeps();
    await publish(deps, textKey, fixture('01'));
    const input = await (await photoLikePixels(1400, 1000, 11))
      .withExif({
        IFD0: { Make: 'TestCam' },
        IFD3: {
          GPSLatitudeRef: 'N',
          GPSLatitude: '28/1 57/1 30/1',
          GPSLongitudeRef: 'E',
          GPSLongitude: '118/1 52/1 0/1',
        },
      })
      .withXmp(
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
          '<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="28,57.5N"/></rdf:RDF></x:xmpmeta>',
      )
      .jpeg()
      .toBuffer();
    // The upload really carries a position: the GPS IFD in EXIF and GPS fields in XMP.
    expect((await sharp(input).metadata()).exif?.includes('TestCam')).toBe(true);
    expect(input.includes('GPSLatitude')).toBe(true);
    await publish(deps, photoKey, input);
    expect(await mediaKeys(deps.site)).toHaveLength(4);
    for await (const key of deps.site.list('')) {
      const body = Buffer.from((await deps.site.get(key))!.body);
      expect([key, body.includes('GPS'), body.includes('Exif'), body.includes('TestCam')]).toEqual([
        key,
        false,
        false,
        false,
      ]);
    }
  });
});

describe('bad pictures', () => {
  const truncated = async () => {
    const whole = await photoLikeJpeg(800, 600, 9);
    return whole.subarray(0, Math.floor(whole.length * 0.6));
  };
  const cases: Array<[string, string, () => Promise<Uint8Array | string>]> = [
    ['not-an-image', '01-古城韵味.jpg', async () => '古城韵味 大美衢州\n'],
    ['corrupt-image', '01-古城韵味.jpg', truncated],
    [
      'svg-image',
      '01-古城韵味.png',
      async () => '<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>',
    ],
    ['too-many-pixels', '01-古城韵味.png', async () => pngBomb(30_000, 30_000)],
    ['too-large', '01-古城韵味.webp', async () => new Uint8Array(40 * 2 ** 20 + 1)],
    ['not-a-pdf', '01.pdf', async () => '%PDF-1.7\n1 0 obj <<>> endobj\n'],
    ['unsupported-key', '古城韵味.jpg', async () => photoLikeJpeg(100, 100)],
  ];
  it.each(cases)('refuses %s with a report and keeps what was published', async (code, file, make) => {
    const deps = makeDeps();
    await publish(deps, textKey, fixture('01'));
    await publish(deps, photoKey, await photoLikeJpeg(640, 480));
    const published = await snapshot(deps.site);
    const key = `incoming/${date}/${file}`;
    const outcome = await publish(deps, key, await make());
    expect(outcome.status).toBe('rejected');
    expect(outcome.report).toMatchObject({ ok: false, code });
    const after = await snapshot(deps.site);
    // Only the bad upload's own report changed.
    delete after[reportKey(key)];
    delete published[reportKey(key)];
    expect(after).toEqual(published);
  });

  it('keeps the published photo when its replacement is broken', async () => {
    const deps = makeDeps();
    await publish(deps, textKey, fixture('01'));
    await publish(deps, photoKey, await photoLikeJpeg(640, 480));
    const photos = (await photoArticle(deps.site)).photos;
    expect(photos).toHaveLength(1);
    expect((await publish(deps, photoKey, await truncated())).status).toBe('rejected');
    expect((await photoArticle(deps.site)).photos).toEqual(photos);
    expect(await mediaKeys(deps.site)).toHaveLength(4);
  });
});

describe('configured media limits', () => {
  const limited = (limits: Record<string, number>) =>
    makeDeps({ config: parseSiteConfig({ siteUrl: config.siteUrl, ...limits }) });

  /** Publish `body` under `file` after the front page's text; what changed besides its report. */
  const refused = async (deps: ReturnType<typeof makeDeps>, file: string, body: Uint8Array | string) => {
    await publish(deps, textKey, fixture('01'));
    const published = await snapshot(deps.site);
    const key = `incoming/${date}/${file}`;
    const outcome = await publish(deps, key, body);
    const report = await json<{ ok: boolean; code: string; message: string }>(deps.site, reportKey(key));
    const after = await snapshot(deps.site);
    delete after[reportKey(key)];
    return { outcome, report, unchanged: JSON.stringify(after) === JSON.stringify(published) };
  };

  it('refuses a picture over a lowered maxImagePixels, naming the key to raise', async () => {
    const picture = await photoLikeJpeg(1250, 1000, 4);
    const { outcome, report, unchanged } = await refused(
      limited({ maxImagePixels: 1_000_000 }),
      '01-古城韵味.jpg',
      picture,
    );
    expect(outcome.status).toBe('rejected');
    expect(report).toMatchObject({ ok: false, code: 'too-many-pixels' });
    expect(report?.message).toMatch(
      /1250 × 1000 pixels; at most 1000000 pixels are accepted \(maxImagePixels\)/,
    );
    expect(unchanged).toBe(true);
    // The same picture under the default limit publishes: the refusal was the configured limit's.
    expect((await publish(makeDeps(), photoKey, picture)).status).toBe('published');
  });

  it('refuses a PDF over a lowered maxPdfBytes, naming the key to raise', async () => {
    const pdf = `%PDF-1.7\n1 0 obj <<>> endobj\n%${'x'.repeat(4000)}\ntrailer <<>>\n%%EOF\n`;
    const { outcome, report, unchanged } = await refused(limited({ maxPdfBytes: 2048 }), '01.pdf', pdf);
    expect(outcome.status).toBe('rejected');
    expect(report).toMatchObject({ ok: false, code: 'too-large' });
    expect(report?.message).toMatch(/the limit is 2048 \(maxPdfBytes\)/);
    expect(unchanged).toBe(true);
  });

  it('refuses a picture over maxImageBytes from its size alone, before any processing', async () => {
    const deps = limited({ maxImageBytes: 2048 });
    const caps: Array<number | undefined> = [];
    const input = deps.input;
    deps.input = {
      ...input,
      get: (key, options) => {
        if (key === photoKey) caps.push(options?.maxBytes);
        return input.get(key, options);
      },
      put: (key, body, options) => input.put(key, body, options),
    };
    const picture = await photoLikeJpeg(640, 480, 5);
    expect(picture.length).toBeGreaterThan(2048);
    const { outcome, report, unchanged } = await refused(deps, '01-古城韵味.jpg', picture);
    expect(outcome.status).toBe('rejected');
    expect(report).toMatchObject({ ok: false, code: 'too-large' });
    // The store's capped read refused it (upload-object.ts), not the image library.
    expect(report?.message).toMatch(/the limit is 2048 \(maxImageBytes\)/);
    expect(caps).toEqual([2048]);
    expect(unchanged).toBe(true);
  });
});

describe('rebuilding a site with pictures', () => {
  const rebuild = (deps: ReturnType<typeof makeDeps>) =>
    rebuildSite({ site: deps.site, config: deps.config, clock: deps.clock, log: silentLog });

  it('rewrites nothing, and keeps listing a date whose picture waits for its text', async () => {
    const deps = makeDeps();
    await publish(deps, textKey, fixture('01'));
    await publish(deps, photoKey, await photoLikeJpeg(400, 300, 1));
    const waitingKey = `incoming/2024-11-29/01-古城韵味.jpg`;
    await publish(deps, waitingKey, await photoLikeJpeg(400, 300, 2));
    const before = await snapshot(deps.site);
    await rebuild(deps);
    expect(await snapshot(deps.site)).toEqual(before);
    // The calendar still tells the text publish of 2024-11-29 to look: the photo attaches.
    await publish(
      deps,
      'incoming/2024-11-29/01.txt',
      fixture('01').toString().replace('2024年11月30日 星期六', '2024年11月29日 星期五'),
    );
    const issue = await readIssue(deps.site, '2024-11-29');
    const article = issue!.pages[0]!.articles.find((a) => a.title.startsWith('古城韵味'))!;
    expect(article.photos).toHaveLength(1);
  });
});

describe('text publishes and media', () => {
  /** The keys a text upload's publish reads from the site. */
  const readsOf = async (deps: ReturnType<typeof makeDeps>, key: string, body: Uint8Array) => {
    const reads: string[] = [];
    const site = deps.site;
    const counting: Store = {
      get: (k, options) => {
        reads.push(k);
        return site.get(k, options);
      },
      put: (k, bytes, options) => site.put(k, bytes, options),
      delete: (k) => site.delete(k),
      list: (prefix) => site.list(prefix),
    };
    await put(deps, key, body);
    await publishUpload({ ...deps, site: counting }, created(key));
    expect(reads.length).toBeGreaterThan(0);
    return reads;
  };
  const mediaStateReads = (reads: readonly string[]) => reads.filter((k) => k.startsWith('state/media/'));

  it('reads no media state publishing the first page of a date without media', async () => {
    const deps = makeDeps();
    // Another date has pictures: its calendar entry must not make this date read anything.
    await publish(deps, `incoming/2024-11-29/01-古城韵味.jpg`, await photoLikeJpeg(400, 300, 1));
    expect(mediaStateReads(await readsOf(deps, textKey, fixture('01')))).toEqual([]);
  });

  it('reads no media state publishing a further page of a date without media', async () => {
    const deps = makeDeps();
    await publish(deps, textKey, fixture('01'));
    expect(mediaStateReads(await readsOf(deps, `incoming/${date}/02.txt`, fixture('02')))).toEqual([]);
  });

  it('reads the media state when a picture of the date came first, and attaches it', async () => {
    const deps = makeDeps();
    await publish(deps, photoKey, await photoLikeJpeg(400, 300, 1));
    expect(mediaStateReads(await readsOf(deps, textKey, fixture('01')))).toContain(mediaStateKey(date));
    expect((await photoArticle(deps.site)).photos).toHaveLength(1);
  });

  it('never loads libvips for a text publish (sharp is imported by media uploads only)', () => {
    const moduleUrl = (module: string) => JSON.stringify(new URL(module, import.meta.url).href);
    const probe = (load: string) => {
      const script =
        `${load};` +
        `const { readFileSync } = await import('node:fs');` +
        `process.stdout.write(String(readFileSync('/proc/self/maps', 'utf8').includes('libvips')));`;
      const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        encoding: 'utf8',
      });
      return run.stdout.trim();
    };
    expect(probe(`await import(${moduleUrl('../../shared/publish/publish-upload.ts')})`)).toBe('false');
    // The probe can see libvips: loading sharp as the media use case does (loadSharp) maps it.
    const sharpTuning = moduleUrl('../../shared/media/sharp-tuning.ts');
    expect(probe(`await (await import(${sharpTuning})).loadSharp()`)).toBe('true');
  }, 60_000);

  it('leaves the sites of text-only uploads exactly as before', async () => {
    const deps = makeDeps({ site: new MemoryStore() });
    await publish(deps, textKey, fixture('01'));
    const issue = await readIssue(deps.site, date);
    expect(issue?.hasMedia).toBeUndefined();
    const keys = Object.keys(await snapshot(deps.site));
    expect(keys.filter((k) => k.startsWith('state/media/') || k.startsWith('media/'))).toEqual([]);
  });
});
