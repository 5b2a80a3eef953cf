import type { SiteConfig } from '../config.ts';
import type { Article, Issue, Page, Paper } from '../model/issue.ts';
import type { PublishedArticle, PublishedIssue, PublishedPage } from '../model/published.ts';
import { contentFields, contentHash } from './content-hash.ts';
import { formatBeijing, laterOf, nominalPublicationMs } from './publish-times.ts';
import { matchArticles, uniqueId } from './reconcile-ids.ts';
import { bigrams, dice } from './similarity.ts';

/** What a merge needs besides the two documents; `now` is the build clock's reading. */
export interface MergeContext {
  /** Decoded upload key the pages come from (`incoming/…`). */
  source: string;
  config: Pick<SiteConfig, 'publicationTime'>;
  now: Date;
  /** 版名 → URL slug (the feeds' `sectionSlug`, bound to the site config). */
  slugOf: (section: string) => string;
}

/**
 * Merge a parsed upload (one or more pages of an issue) into the issue as published so far.
 * Pure and deterministic: the same previous document, upload and clock give the same result.
 *
 * - Pages are replaced by page number; pages the upload does not carry stay as they are.
 * - Ids are reconciled against the previous version of each page (reconcile-ids.ts); articles
 *   that disappear from a re-uploaded page stay in the document as `retracted` (their permalinks
 *   answer 410 and Atom carries a tombstone) and come back with the same id if they reappear.
 * - Times: see {@link finaliseIssue}. `updated` moves only when the content hash changes.
 * - Issue metadata (masthead): an upload carrying the lowest page number seen so far (usually the
 *   front page) overrides; others only fill fields still missing, so arrival order does not matter.
 */
export const mergeUpload = (
  previous: PublishedIssue | undefined,
  upload: Issue,
  context: MergeContext,
): PublishedIssue => {
  if (previous !== undefined && previous.date !== upload.date) {
    throw new Error(`cannot merge an upload for ${upload.date} into the issue of ${previous.date}`);
  }
  const nowMs = context.now.getTime();
  const nowText = formatBeijing(nowMs);
  const pages = new Map<number, PublishedPage>((previous?.pages ?? []).map((p) => [p.number, p]));

  // Every id of the previous document stays in it (live or retracted), so all are reserved:
  // a new article never takes the id of an old one, whichever page or upload it arrives in.
  const taken = new Set((previous?.pages ?? []).flatMap((p) => p.articles.map((a) => a.id)));
  for (const page of [...upload.pages].sort((a, b) => a.number - b.number)) {
    pages.set(page.number, mergePage(pages.get(page.number), page, { ...context, nowText, taken }));
  }

  const lowestPrevious = Math.min(...(previous?.pages ?? []).map((p) => p.number));
  const lowestUpload = Math.min(...upload.pages.map((p) => p.number));
  const uploadLeads = previous === undefined || lowestUpload <= lowestPrevious;
  const pick = <T>(fromUpload: T | undefined, fromPrevious: T | undefined) =>
    uploadLeads ? (fromUpload ?? fromPrevious) : (fromPrevious ?? fromUpload);

  const paper: Paper = uploadLeads
    ? { ...previous?.paper, ...definedOnly(upload.paper), name: upload.paper.name }
    : { ...upload.paper, ...definedOnly(previous?.paper ?? upload.paper) };

  return finaliseIssue(
    {
      schemaVersion: 1,
      paper,
      date: upload.date,
      weekday: pick(upload.weekday, previous?.weekday),
      lunarDate: pick(upload.lunarDate, previous?.lunarDate),
      number: pick(upload.number, previous?.number),
      pageCount: pick(upload.pageCount, previous?.pageCount),
      pages: [...pages.values()],
      // The date's media stay announced (publish-media.ts): whoever merges without committing
      // through commitIssue (the bulk import) must not make later publishes forget them.
      ...(previous?.hasMedia === true ? { hasMedia: true as const } : {}),
      updated: '',
    },
    publicationBase(previous, upload.date, context.config.publicationTime, nowMs),
  );
};

const definedOnly = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;

/**
 * The issue's publication instant: `<date>T<publicationTime>+08:00`, but never later than the
 * first build (an issue uploaded the evening before must not carry a future time, which readers
 * drop or replace with the fetch time). Once set it is kept: it is recoverable from any stored
 * article as `published + order` seconds, so later uploads of the issue do not move it.
 */
export const publicationBase = (
  previous: PublishedIssue | undefined,
  date: string,
  publicationTime: string,
  nowMs: number,
): number => {
  const nominal = nominalPublicationMs(date, publicationTime);
  const first = previous?.pages.flatMap((p) => p.articles)[0];
  const stored = first === undefined ? undefined : Date.parse(first.published) + first.order * 1000;
  return Math.min(nominal, stored ?? nowMs);
};

const mergePage = (
  previousPage: PublishedPage | undefined,
  page: Page,
  { source, nowText, slugOf, taken }: MergeContext & { nowText: string; taken: Set<string> },
): PublishedPage => {
  const previousArticles = previousPage?.articles ?? [];
  const hashes = page.articles.map((a) => contentHash(a));
  const matches = matchArticles(
    previousArticles.map((a) => ({ article: a, contentHash: a.contentHash })),
    page.articles.map((a, i) => ({ article: a, contentHash: hashes[i]! })),
  );
  const matched = new Set(matches.filter((p) => p !== undefined));

  const live = page.articles.map((article, i): PublishedArticle => {
    const hash = hashes[i]!;
    const p = matches[i];
    const before = p === undefined ? undefined : previousArticles[p];
    let id: string;
    if (before !== undefined) id = before.id;
    else {
      id = uniqueId(article.id, taken);
      taken.add(id);
    }
    // '' means "same as published"; finaliseIssue raises every `updated` to at least `published`.
    let updated = '';
    if (before !== undefined) {
      if (before.contentHash !== hash) updated = nowText;
      else if (before.updated !== before.published) updated = before.updated;
    }
    const published = publishedArticle(article, { id, contentHash: hash, updated, status: 'published' });
    // Notes of 更正 notices stay with the article they correct when its page is uploaded again.
    return before?.corrections ? { ...published, corrections: before.corrections } : published;
  });

  const retracted = previousArticles
    .filter((_, i) => !matched.has(i))
    .map(
      (a): PublishedArticle => ({
        ...a,
        status: 'retracted',
        retractedAt: a.retractedAt ?? nowText,
      }),
    );

  return {
    number: page.number,
    section: page.section,
    sectionSlug: slugOf(page.section),
    editor: page.editor,
    source,
    articles: [...live, ...retracted],
  };
};

/** A published article built field by field (no stray keys from the reader's object). */
const publishedArticle = (
  article: Article,
  decided: { id: string; contentHash: string; updated: string; status: 'published' | 'retracted' },
): PublishedArticle => ({
  id: decided.id,
  // Same fields, same order as the content hash reads (key order is part of the stored bytes).
  ...contentFields(article),
  // order and published are assigned by finaliseIssue
  order: 0,
  published: '',
  updated: decided.updated,
  contentHash: decided.contentHash,
  status: decided.status,
  // Photos a document names: kept so a picture uploaded later still finds its article. Not content:
  // naming a photo moves neither the hash nor `updated`.
  ...(article.photos === undefined ? {} : { photoRefs: article.photos }),
});

/**
 * Recompute everything derived from the whole issue, the same way after every change:
 * - reading order (page number, then position on the page; retracted articles keep a place);
 * - `published` = base − order seconds: distinct, and the lead of the front page is the newest,
 *   so readers that sort by time show the paper in reading order;
 * - `updated` = `published` for articles never corrected, else raised to at least `published`;
 * - jump targets of teasers (详见今日第N版) re-resolved against the current pages;
 * - the issue's `updated` = the latest content change or retraction.
 */
export const finaliseIssue = (issue: PublishedIssue, baseMs: number): PublishedIssue => {
  let order = 0;
  const pages = [...issue.pages]
    .sort((a, b) => a.number - b.number)
    .map((page) => ({
      ...page,
      articles: page.articles.map((article) => {
        const published = formatBeijing(baseMs - order * 1000);
        // An article never corrected keeps updated = published as its time moves with its place.
        const uncorrected = article.updated === '' || article.updated === article.published;
        const updated = uncorrected ? published : laterOf(article.updated, published);
        const next = { ...article, order, published, updated };
        order += 1;
        return next;
      }),
    }));
  const resolved = pages.map((page) => ({
    ...page,
    articles: page.articles.map((article) => withJumpTarget(article, pages)),
  }));
  let updated = formatBeijing(baseMs);
  for (const page of resolved) {
    for (const article of page.articles) {
      updated = laterOf(updated, article.updated);
      if (article.retractedAt !== undefined) updated = laterOf(updated, article.retractedAt);
    }
  }
  return { ...issue, pages: resolved, updated };
};

/** The article a teaser points to: on the jump's page, the live article with the most similar title. */
const withJumpTarget = (article: PublishedArticle, pages: readonly PublishedPage[]): PublishedArticle => {
  const { jumpTarget: _stale, ...rest } = article;
  if (article.jump === undefined) return rest;
  const target = pages.find((p) => p.number === article.jump!.page);
  const live = target?.articles.filter((a) => a.status === 'published' && a.kind !== 'teaser') ?? [];
  if (target === undefined || live.length === 0) return rest;
  const grams = bigrams(`${article.kicker ?? ''}${article.title}${article.subtitle ?? ''}`);
  let best = live[0]!;
  let bestScore = -1;
  for (const candidate of live) {
    const score = dice(
      grams,
      bigrams(`${candidate.kicker ?? ''}${candidate.title}${candidate.subtitle ?? ''}`),
    );
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return { ...rest, jumpTarget: { page: target.number, id: best.id, title: best.title } };
};
