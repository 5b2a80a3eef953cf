import { describe, expect, it } from 'vitest';
import { datesFrom, issuePages, jsonUpload, syntheticIssue } from '../../bench/synthetic-issues.ts';
import { fixedClock } from '../../shared/clock.ts';
import { parseSiteConfig } from '../../shared/config.ts';
import { silentLog } from '../../shared/log.ts';
import { publishUpload } from '../../shared/publish/publish-upload.ts';
import { type RebuildProgress, rebuildSite } from '../../shared/publish/rebuild-site.ts';
import { MemoryStore } from '../../shared/storage/memory-store.ts';
import type { Store } from '../../shared/storage/store.ts';
import { CountingStore } from '../support/instrumented-store.ts';
import { afterPublication, makeDeps, snapshot, upload } from './publish-kit.ts';

const config = parseSiteConfig({ siteUrl: 'https://news.example.cn', windowIssues: 3 });
const small = {
  pages: 3,
  articlesPerPage: 2,
  paragraphsPerArticle: 2,
  charsPerParagraph: 40,
  sections: ['要闻', '综合', '体育'],
};

/** A site built by publishing five dates (two uploads each) across a year boundary. */
const publishedSite = async () => {
  const deps = makeDeps({ config, site: new MemoryStore() });
  for (const date of datesFrom('2024-12-29', 5)) {
    const issue = syntheticIssue(date, small);
    for (const part of [
      jsonUpload(issuePages(issue, [1, 2]), 'a'),
      jsonUpload(issuePages(issue, [3]), 'b'),
    ]) {
      await upload(deps.input, part.key, part.bytes);
      await publishUpload(deps, { type: 'created', key: part.key });
    }
  }
  return deps.site;
};

const rebuild = (site: Store, onProgress?: (p: RebuildProgress) => void) =>
  rebuildSite({ site, config, clock: fixedClock(afterPublication), log: silentLog, onProgress });

describe('rebuildSite', () => {
  it('rewrites nothing on a site the publishes left consistent', async () => {
    const site = await publishedSite();
    const before = await snapshot(site);
    const summary = await rebuild(site);
    expect(summary).toEqual({ dates: 5, articles: 30, written: 0 });
    expect(await snapshot(site)).toEqual(before);
  });

  it('regenerates feeds, archives, records and state documents byte for byte from the issue documents', async () => {
    const site = await publishedSite();
    const clean = await snapshot(site);
    for (const key of Object.keys(clean)) {
      if (!key.startsWith('issues/') && !key.startsWith('reports/')) await site.delete(key);
    }
    await site.put('issues/latest.json', 'stale', { contentType: 'text/plain', cacheControl: 'no-store' });
    const progress: RebuildProgress[] = [];
    const summary = await rebuild(site, (p) => progress.push(p));
    expect(await snapshot(site)).toEqual(clean);
    expect(summary.written).toBe(
      Object.keys(clean).filter((k) => !k.startsWith('issues/2') && !k.startsWith('reports/')).length,
    );
    expect(progress.map((p) => p.datesDone)).toEqual([1, 2, 3, 4, 5]);
    expect(progress.at(-1)).toEqual({ datesDone: 5, datesTotal: 5, articlesDone: 30 });
  });

  it('lists the issue documents once', async () => {
    const site = new CountingStore(await publishedSite());
    await rebuild(site);
    expect(site.counts().list).toBe(1);
  });
});
