import { configFingerprint, type SiteConfig } from '../../shared/config.ts';
import { sectionSlug } from '../../shared/feeds/feed-spec.ts';
import { proposeArticleId } from '../../shared/model/article-id.ts';
import type { Article, Issue, Page } from '../../shared/model/issue.ts';
import type { PublishedIssue } from '../../shared/model/published.ts';
import { articleRecordsOf } from '../../shared/publish/article-records.ts';
import { canonicalJsonBytes } from '../../shared/publish/canonical-json.ts';
import { mergeUpload } from '../../shared/publish/merge-upload.ts';
import { writeSiteConfigRecord } from '../../shared/publish/site-config-record.ts';
import {
  addUploadDate,
  applyToWindow,
  type CalendarDoc,
  encodeWindow,
  filterIssue,
  sectionSlugsOf,
  setCalendarDate,
  type WindowDoc,
} from '../../shared/publish/site-state.ts';
import {
  feedSpecOf,
  writeArchiveFeeds,
  writeOpml,
  writeSubscriptionFeeds,
} from '../../shared/publish/site-writers.ts';
import {
  allSectionsSlug,
  cachePolicies,
  calendarKey,
  contentTypes,
  issueKey,
  latestIssueKey,
  uploadIndexKey,
  windowKey,
} from '../../shared/site-layout.ts';
import type { Store } from '../../shared/storage/store.ts';

/**
 * Synthetic issues for tests and benchmarks: any size, deterministic for a seed (the same seed
 * and date always give the same issue, on any machine). Text is drawn from common Chinese
 * characters so byte sizes and similarity behave like the real paper's.
 */

/** mulberry32: tiny, fast, good enough for test data; the same on every platform. */
export const seededRandom = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const hashText = (text: string) => {
  let h = 2166136261;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
};

const pool =
  '衢州日报市委书记高屹率团赴韩国开展经贸考察访问扎实推进高水平对外开放加快培育高质量发展新动能本报讯记者' +
  '通讯员近日下发年度浙江省科技进步统计监测报告显示柯城区全社会研发经费投入亿元占地区生产总值比重排全市第一' +
  '乡村振兴共同富裕文化旅游产业链招商引资项目签约企业创新人才服务群众民生实事交通建设生态环境保护教育医疗';

const phrase = (random: () => number, length: number) => {
  let text = '';
  for (let i = 0; i < length; i += 1) text += pool[Math.floor(random() * pool.length)];
  return text;
};

/** Sections of the synthetic paper, in page order (版名). */
export const syntheticSections = ['要闻', '综合', '经济', '民生', '文化', '体育', '视点', '副刊'];

export interface SyntheticIssueOptions {
  seed?: number;
  pages?: number;
  articlesPerPage?: number;
  paragraphsPerArticle?: number;
  charsPerParagraph?: number;
  sections?: readonly string[];
}

/** One issue (every page) for a date. Page n has section `sections[(n-1) % sections.length]`. */
export const syntheticIssue = (date: string, options: SyntheticIssueOptions = {}): Issue => {
  const {
    seed = 1,
    pages = 8,
    articlesPerPage = 5,
    paragraphsPerArticle = 4,
    charsPerParagraph = 180,
    sections = syntheticSections,
  } = options;
  const random = seededRandom(seed ^ hashText(date));
  const taken = new Set<string>();
  const pageList: Page[] = [];
  for (let number = 1; number <= pages; number += 1) {
    const articles: Article[] = [];
    for (let i = 0; i < articlesPerPage; i += 1) {
      const title = phrase(random, 8 + Math.floor(random() * 12));
      const id = proposeArticleId(number, title, taken);
      taken.add(id);
      articles.push({
        id,
        kind: 'news',
        title,
        byline: [{ name: phrase(random, 3), role: 'reporter' }],
        dateline: '本报讯',
        paragraphs: Array.from({ length: paragraphsPerArticle }, () =>
          phrase(random, Math.max(1, Math.round(charsPerParagraph * (0.6 + random() * 0.8)))),
        ),
      });
    }
    pageList.push({ number, section: sections[(number - 1) % sections.length]!, editor: '林俊', articles });
  }
  return {
    paper: { name: '衢州日报', organ: '中共衢州市委机关报', serial: 'CN 33-0011' },
    date,
    pageCount: pages,
    pages: pageList,
  };
};

/** The issue reduced to some of its pages (a per-page upload). */
export const issuePages = (issue: Issue, numbers: readonly number[]): Issue => ({
  ...issue,
  pages: issue.pages.filter((p) => numbers.includes(p.number)),
});

/** A JSON upload of an issue (or part of one), as the newsroom would drop it under `incoming/`. */
export const jsonUpload = (issue: Issue, name = 'issue') => ({
  key: `incoming/${issue.date}/${name}.json`,
  bytes: new TextEncoder().encode(JSON.stringify(issue)),
});

/** `count` consecutive dates from `start` (YYYY-MM-DD). */
export const datesFrom = (start: string, count: number): string[] => {
  const first = Date.parse(`${start}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(first + i * 86_400_000).toISOString().slice(0, 10));
};

export interface ArchiveOptions extends SyntheticIssueOptions {
  config: SiteConfig;
  /** First date and number of daily issues. */
  start: string;
  days: number;
  /** Write article records too (the permalink function's objects); publish never reads old ones. */
  records?: boolean;
}

/**
 * Pre-populate a site store with an archive of daily issues quickly: issue documents, article
 * records and the state documents a publish reads (windows, calendars, upload indexes), plus the
 * current subscription feeds and OPML — computed with the publishing code's own pure functions,
 * as a sequence of one-upload publishes in date order would leave them. Of the archive documents
 * only each feed's newest is rendered (the next publish reads and extends it); older ones are
 * never read by publishing, and the rebuild bench renders them all.
 */
export const populateArchive = async (store: Store, options: ArchiveOptions) => {
  const { config } = options;
  const slugOf = (section: string) => sectionSlug(section, config);
  const json = { contentType: contentTypes.json, cacheControl: cachePolicies.short };
  const state = { contentType: contentTypes.json, cacheControl: cachePolicies.none };
  const windows = new Map<string, WindowDoc>();
  let calendar: CalendarDoc | undefined;
  let articles = 0;
  for (const date of datesFrom(options.start, options.days)) {
    const upload = syntheticIssue(date, options);
    const source = `incoming/${date}/issue.json`;
    const now = new Date(Date.parse(`${date}T12:00:00+08:00`));
    const issue: PublishedIssue = mergeUpload(undefined, upload, { source, config, now, slugOf });
    await store.put(issueKey(date), canonicalJsonBytes(issue), json);
    if (options.records !== false) {
      for (const { key, record } of articleRecordsOf(issue))
        await store.put(key, canonicalJsonBytes(record), json);
    }
    articles += issue.pages.reduce((n, p) => n + p.articles.length, 0);
    await store.put(
      uploadIndexKey(source),
      canonicalJsonBytes(addUploadDate(undefined, source, date)),
      state,
    );
    if (calendar !== undefined && calendar.year !== date.slice(0, 4)) {
      await store.put(calendarKey(calendar.year), canonicalJsonBytes(calendar), state);
      calendar = undefined;
    }
    calendar = setCalendarDate(calendar, date, sectionSlugsOf(issue));
    for (const slug of [allSectionsSlug, ...sectionSlugsOf(issue)]) {
      const part = filterIssue(issue, slug);
      windows.set(slug, applyToWindow(windows.get(slug), slug, date, part, config.windowIssues).doc);
    }
  }
  if (calendar !== undefined)
    await store.put(calendarKey(calendar.year), canonicalJsonBytes(calendar), state);
  const sink: string[] = [];
  // A store in steady state: the `all` window carries the fingerprint of the config it was built
  // with, and the config record exists, so the measured publish writes no record (as after day one).
  const all = windows.get(allSectionsSlug);
  if (all !== undefined) all.siteConfig = configFingerprint(config);
  await writeSiteConfigRecord(store, config, sink);
  for (const window of windows.values()) {
    await store.put(windowKey(window.slug), encodeWindow(window), {
      contentType: contentTypes.ndjson,
      cacheControl: cachePolicies.none,
    });
    await writeSubscriptionFeeds(store, window, config, sink);
    // The newest archive of each feed: the one the next publish gives its next-archive link.
    const newest = window.issues[0];
    if (newest !== undefined) {
      const spec = feedSpecOf(window.slug, window.section, config);
      await writeArchiveFeeds(store, spec, newest, { prevDate: window.dates[1] }, config, sink);
    }
  }
  if (all?.issues[0] !== undefined) await store.put(latestIssueKey, canonicalJsonBytes(all.issues[0]), json);
  await writeOpml(store, all?.catalog ?? {}, config, sink);
  return { articles, issues: options.days };
};
