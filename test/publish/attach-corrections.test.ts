import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/clock.ts';
import type { ArticleRecord, PublishedArticle } from '../../shared/model/published.ts';
import { parseJsonBytes } from '../../shared/publish/canonical-json.ts';
import { publishUpload, type UploadReport } from '../../shared/publish/publish-upload.ts';
import { archiveKey, articleKey, feedKey, reportKey } from '../../shared/site-layout.ts';
import { fixture, makeDeps, readIssue, text, upload } from './publish-kit.ts';

/**
 * A 更正 notice on the 评论 page of 2024-12-02 corrects 《衢江区三个村入选省级未来乡村创建名单》 of
 * 2024-11-30 page 2: publishing it puts a note on that article everywhere it is shown.
 */

const pinglun = readFileSync(
  new URL('../fixtures/quzhou-daily-2024-12-02-page03-pinglun.txt', import.meta.url),
);
const key02 = 'incoming/2024-11-30/02.txt';
const noticeKey = 'incoming/2024-12-02/03.txt';
const targetTitle = '衢江区三个村入选省级未来乡村创建名单';
/** The notice is published a day after the corrected issue. */
const noticeClock = fixedClock('2024-12-02T03:00:00Z');

const targetOf = async (site: Parameters<typeof readIssue>[0]) => {
  const issue = (await readIssue(site, '2024-11-30'))!;
  return issue.pages.flatMap((p) => p.articles).find((a) => a.title === targetTitle)!;
};
const recordOf = async (site: Parameters<typeof readIssue>[0], article: PublishedArticle) =>
  parseJsonBytes<ArticleRecord>((await site.get(articleKey('2024-11-30', article.id)))!.body);
const body = async (site: Parameters<typeof readIssue>[0], key: string) => text((await site.get(key))!.body);

const publishedTarget = async () => {
  const deps = makeDeps();
  await upload(deps.input, key02, fixture('02'));
  await publishUpload(deps, { type: 'created', key: key02 });
  return deps;
};

describe('publishing a 更正 notice', () => {
  it('attaches a note to the corrected article: record, updated time, feeds; the id stays', async () => {
    const deps = await publishedTarget();
    const before = await targetOf(deps.site);
    const atomBefore = await body(deps.site, feedKey('zonghe', 'atom'));
    expect(before.corrections).toBeUndefined();

    const noticeDeps = { ...deps, clock: noticeClock };
    await upload(deps.input, noticeKey, pinglun);
    const outcome = await publishUpload(noticeDeps, { type: 'created', key: noticeKey });
    expect(outcome.report).toMatchObject({ ok: true, pages: [3] });
    expect(outcome.report).not.toHaveProperty('warnings');

    const after = await targetOf(deps.site);
    expect(after.id).toBe(before.id);
    expect(after.corrections).toEqual([
      {
        noticeDate: '2024-12-02',
        noticeId: expect.stringMatching(/^p3-/),
        noticePage: 3,
        text: '本报11月30日第二版《衢江区三个村入选省级未来乡村创建名单》一文中,“12个”应为“13个”,特此更正。',
        at: '2024-12-02T11:00:00+08:00',
      },
    ]);
    expect(after.updated).toBe('2024-12-02T11:00:00+08:00');
    expect(after.published).toBe(before.published);
    expect((await recordOf(deps.site, after)).article.corrections).toEqual(after.corrections);

    const atom = await body(deps.site, feedKey('zonghe', 'atom'));
    expect(atom).not.toBe(atomBefore);
    const entry = atom.slice(atom.indexOf(`2024-11-30:${after.id}`));
    expect(entry.slice(0, entry.indexOf('</entry>'))).toContain(
      '<updated>2024-12-02T11:00:00+08:00</updated>',
    );
    const json = JSON.parse(await body(deps.site, feedKey('zonghe', 'json'))) as {
      items: Array<{ id: string; date_modified?: string; content_html: string }>;
    };
    const item = json.items.find((i) => i.id.endsWith(after.id))!;
    expect(item.date_modified).toBe('2024-12-02T11:00:00+08:00');
    expect(item.content_html).toContain('“12个”应为“13个”');
    expect(await body(deps.site, feedKey('zonghe', 'rss'))).toContain('“12个”应为“13个”');
    // The issue's archive documents hold the entry too, and change with it.
    for (const slug of ['zonghe', 'all']) {
      const archived = await body(deps.site, archiveKey(slug, '2024-11-30', 'atom'));
      const archivedEntry = archived.slice(archived.indexOf(`2024-11-30:${after.id}`));
      expect(archivedEntry.slice(0, archivedEntry.indexOf('</entry>'))).toContain(
        '<updated>2024-12-02T11:00:00+08:00</updated>',
      );
      expect(await body(deps.site, archiveKey(slug, '2024-11-30', 'json'))).toContain('“12个”应为“13个”');
    }
  });

  it('writes nothing more when the notice is delivered again', async () => {
    const deps = await publishedTarget();
    const noticeDeps = { ...deps, clock: noticeClock };
    await upload(deps.input, noticeKey, pinglun);
    await publishUpload(noticeDeps, { type: 'created', key: noticeKey });
    const again = await publishUpload(
      { ...deps, clock: fixedClock('2024-12-02T04:00:00Z') },
      { type: 'created', key: noticeKey },
    );
    expect(again.status).toBe('unchanged');
    expect((await targetOf(deps.site)).corrections?.[0]?.at).toBe('2024-12-02T11:00:00+08:00');
  });

  it('keeps the note when the corrected page is uploaded again', async () => {
    const deps = await publishedTarget();
    await upload(deps.input, noticeKey, pinglun);
    await publishUpload({ ...deps, clock: noticeClock }, { type: 'created', key: noticeKey });
    const fixed = text(fixture('02')).replace('方晓岚', '方晓兰');
    await upload(deps.input, key02, fixed);
    await publishUpload(
      { ...deps, clock: fixedClock('2024-12-02T05:00:00Z') },
      { type: 'created', key: key02 },
    );
    expect((await targetOf(deps.site)).corrections).toHaveLength(1);
  });

  it('takes the note off again when the notice is retracted', async () => {
    const deps = await publishedTarget();
    await upload(deps.input, noticeKey, pinglun);
    await publishUpload({ ...deps, clock: noticeClock }, { type: 'created', key: noticeKey });
    await deps.input.delete(noticeKey);
    await publishUpload(
      { ...deps, clock: fixedClock('2024-12-02T06:00:00Z') },
      { type: 'removed', key: noticeKey },
    );
    const after = await targetOf(deps.site);
    expect(after.corrections).toBeUndefined();
    expect(after.updated).toBe('2024-12-02T14:00:00+08:00');
    expect(await body(deps.site, feedKey('zonghe', 'rss'))).not.toContain('“12个”应为“13个”');
  });

  it('publishes a notice whose article is not in the site, and says so in the report', async () => {
    const deps = makeDeps({ clock: noticeClock });
    await upload(deps.input, noticeKey, pinglun);
    const outcome = await publishUpload(deps, { type: 'created', key: noticeKey });
    expect(outcome.status).toBe('published');
    const report = JSON.parse(await body(deps.site, reportKey(noticeKey))) as UploadReport;
    expect(report.ok && report.warnings).toEqual([
      expect.stringContaining(
        'corrects 2024-11-30 第2版《衢江区三个村入选省级未来乡村创建名单》, which is not published',
      ),
    ]);
    const notice = (await readIssue(deps.site, '2024-12-02'))!.pages[0]!.articles.find(
      (a) => a.kind === 'correction',
    );
    expect(notice?.status).toBe('published');
  });
});

describe('upload reports of page text', () => {
  it('lists the lines the reader could not place, with line numbers, as warnings', async () => {
    const deps = makeDeps();
    const key01 = 'incoming/2024-11-30/01.txt';
    await upload(deps.input, key01, fixture('01'));
    const { report } = await publishUpload(deps, { type: 'created', key: key01 });
    expect(report).toMatchObject({ ok: true, unplaced: [{ line: 115, text: '工业强市 产业兴市' }] });
    expect(report.ok && report.warnings).toEqual([expect.stringContaining('line 115 (工业强市 产业兴市)')]);
  });
});
