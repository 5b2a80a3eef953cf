import { fixedClock } from '../../shared/clock.ts';
import { parseSiteConfig, type SiteConfig } from '../../shared/config.ts';
import { silentLog } from '../../shared/log.ts';
import type { ArticleRecord, PublishedArticle, PublishedIssue } from '../../shared/model/published.ts';
import type { ServeDeps } from '../../shared/serve/serve-request.ts';
import { articleKey, issueKey, latestIssueKey } from '../../shared/site-layout.ts';
import { MemoryStore } from '../../shared/storage/memory-store.ts';
import type { PutOptions, Store, StoredObject } from '../../shared/storage/store.ts';
import { makeIssue } from '../support/published-fixtures.ts';

/** Site config of the serving tests. */
export const testConfig: SiteConfig = parseSiteConfig({ siteUrl: 'https://news.example.cn' });

/** Five days after the fixture issue (2024-11-30): an old issue. */
export const laterClock = fixedClock('2024-12-05T10:00:00+08:00');
/** The fixture issue's own morning in Beijing (still the evening before in UTC). */
export const sameDayClock = fixedClock('2024-11-30T07:30:00+08:00');

/** A store that counts reads, to prove one storage read per request. */
export class CountingStore implements Store {
  readonly reads: string[] = [];
  constructor(readonly inner: Store = new MemoryStore()) {}
  get(key: string): Promise<StoredObject | undefined> {
    this.reads.push(key);
    return this.inner.get(key);
  }
  put(key: string, body: Uint8Array | string, options: PutOptions) {
    return this.inner.put(key, body, options);
  }
  delete(key: string) {
    return this.inner.delete(key);
  }
  list(prefix: string) {
    return this.inner.list(prefix);
  }
}

/** The article record publishing would store for an article of an issue. */
export const recordOf = (issue: PublishedIssue, article: PublishedArticle): ArticleRecord => {
  const page = issue.pages.find((p) => p.articles.some((a) => a.id === article.id));
  if (!page) throw new Error(`article ${article.id} is on no page`);
  return {
    schemaVersion: 1,
    date: issue.date,
    paper: issue.paper,
    issue: {
      ...(issue.weekday ? { weekday: issue.weekday } : {}),
      ...(issue.lunarDate ? { lunarDate: issue.lunarDate } : {}),
      ...(issue.number !== undefined ? { number: issue.number } : {}),
      ...(issue.pageCount !== undefined ? { pageCount: issue.pageCount } : {}),
    },
    page: {
      number: page.number,
      section: page.section,
      sectionSlug: page.sectionSlug,
      ...(page.editor ? { editor: page.editor } : {}),
    },
    article,
  };
};

const json = { contentType: 'application/json; charset=utf-8', cacheControl: 'no-cache' };

/** Put an issue the way publishing does: every article record, the issue, and latest. */
export const publishIssue = async (store: Store, issue: PublishedIssue, latest = true) => {
  for (const page of issue.pages)
    for (const article of page.articles)
      await store.put(articleKey(issue.date, article.id), JSON.stringify(recordOf(issue, article)), json);
  await store.put(issueKey(issue.date), JSON.stringify(issue), json);
  if (latest) await store.put(latestIssueKey, JSON.stringify(issue), json);
};

/** The fixture issue of the serving tests: 2024-11-30, 要闻 and 综合, one retracted article. */
export const fixtureIssue = (): PublishedIssue => {
  const issue = makeIssue('2024-11-30');
  const retracted = issue.pages[1]!.articles[2]!;
  retracted.status = 'retracted';
  retracted.retractedAt = '2024-11-30T09:15:00+08:00';
  return issue;
};

/** Ids of the fixture issue. */
export const fixtureIds = {
  first: 'p1-10000000',
  second: 'p1-10000001',
  retracted: 'p2-10000005',
};

/** Deps over a counting store holding the fixture issue. */
export const fixtureDeps = async (clock = laterClock) => {
  const site = new CountingStore();
  await publishIssue(site, fixtureIssue());
  const deps: ServeDeps = { site, config: testConfig, clock, log: silentLog };
  return { deps, site };
};
