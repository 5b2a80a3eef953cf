import type { SiteConfig } from '../config.ts';
import type { PublishedArticle, PublishedIssue, PublishedPage } from '../model/published.ts';
import { contributorText } from '../model/role-labels.ts';
import { articleUrl } from '../site-layout.ts';
import { type FeedPhoto, feedFigureHtml, feedPhotosOf } from './feed-photos.ts';
import type { FeedSpec } from './feed-spec.ts';
import { rfc822Of, rfc3339Of, toBeijingTime } from './feed-time.ts';
import {
  cdata,
  escapeHtml,
  escapeXmlField,
  isInertText,
  needsJsonEscape,
  plainText,
  sanitizeText,
  utf8Extra,
} from './xml-text.ts';

/**
 * Item preparation shared by the three formats: which articles are items, in which order,
 * and the text every format shows (title, summary, content HTML, bylines), sanitised once.
 */

/** One feed item, format-neutral. All strings are sanitised (no XML-forbidden characters). */
export interface FeedItem {
  /** `tag:<site domain>,<issue date>:<article id>`: the same in every feed that carries it. */
  id: string;
  /** Absolute article permalink. */
  url: string;
  title: string;
  /** 引题 */
  kicker?: string;
  /** 副题 */
  subtitle?: string;
  /** 栏目 */
  column?: string;
  section: string;
  sectionSlug: string;
  page: number;
  issueDate: string;
  /** RFC 3339, +08:00. */
  published: string;
  /** `published` as RFC 822 with +0800 (RSS). */
  publishedRfc822: string;
  /** RFC 3339, +08:00. */
  updated: string;
  /** Bylines as printed, e.g. `记者 徐颖之`; empty when the article names nobody. */
  authors: string[];
  /** Plain-text teaser, at most `summaryLength` characters plus an ellipsis. */
  summary: string;
  /** Full text as an HTML fragment; kicker, subtitle, byline and jump stay visible. */
  contentHtml: string;
  /** `contentHtml` as an XML CDATA section, made once and shared by RSS and Atom. */
  contentXml: string;
  /** `contentHtml` as a JSON string literal (JSON Feed). */
  contentJson: string;
  /**
   * UTF-8 bytes beyond the UTF-16 length (`utf8Extra`) of the fields each format writes,
   * whatever their escaping: `common` = title, url, id, summary, section, authors and content
   * (all RSS writes); `atom` adds the section slug; `json` adds kicker, subtitle, column,
   * slug and the section again (`_quzhou`). The byte cap adds these to fragment lengths.
   */
  extraBytes: { common: number; atom: number; json: number };
  /** Retracted: Atom writes a tombstone, RSS and JSON Feed omit the item. */
  retracted: boolean;
  /** When the retraction happened (RFC 3339, +08:00), for `at:deleted-entry when=`. */
  deletedAt?: string;
  /** The single-line fields escaped once for RSS and Atom (`escapeXmlField`). */
  xml: {
    id: string;
    url: string;
    title: string;
    summary: string;
    section: string;
    sectionSlug: string;
    /** Empty when the article names nobody. */
    authors: string[];
  };
  /** Epoch seconds of the item's last change (`deletedAt` or `updated`), for feed dates. */
  changedSeconds: number;
  /** The article's photos (shared/feeds/feed-photos.ts); absent when it has none. */
  photos?: FeedPhoto[];
}

/** Characters of the plain-text summary before the ellipsis. */
const summaryLength = 120;

/**
 * The item id: a `tag:` URI (RFC 4151) from the site's domain, the issue date and the article's
 * stable id. Publishing keeps an article's id across corrected re-uploads (see docs/feeds.md),
 * so the GUID survives typo fixes and the insertion or removal of other articles. The URL
 * scheme, port and path are not part of it, nor is the title.
 */
const tagIdIn = (domain: string, issueDate: string, articleId: string) =>
  `tag:${domain},${issueDate}:${articleId}`;

/** Host name of the site URL (no port: a tag authority is a DNS name). */
export const siteDomain = (siteUrl: string): string => new URL(siteUrl).hostname;

/**
 * Whether an article is an item: teasers that point to another page (导读 with 详见今日第N版)
 * are not — the article they announce is the item; photo items are.
 */
const isFeedArticle = (article: PublishedArticle): boolean =>
  !(article.kind === 'teaser' && (article.jump !== undefined || article.jumpTarget !== undefined));

const bylineOf = (article: PublishedArticle): string[] =>
  article.byline.map((c) => plainText(contributorText(c))).filter((s) => s !== '');

const summaryOf = (article: PublishedArticle, title: string): string => {
  let text = '';
  const add = (part: string | undefined) => {
    if (part === undefined || text.length > summaryLength) return;
    // Clean only what the summary can use: a paragraph may be 100,000 characters long.
    const clean = plainText(part.length > summaryLength * 2 ? part.slice(0, summaryLength * 2) : part);
    if (clean !== '') text = text === '' ? clean : `${text} ${clean}`;
  };
  add(article.caption);
  for (const paragraph of article.paragraphs) add(paragraph);
  if (text === '') return title;
  if (text.length <= summaryLength) return text;
  // Cut in UTF-16 units (CJK text is one unit a character), never between a surrogate pair.
  const last = text.charCodeAt(summaryLength - 1);
  const end = last >= 0xd800 && last <= 0xdbff ? summaryLength - 1 : summaryLength;
  return `${text.slice(0, end).trimEnd()}…`;
};

const contentHtmlOf = (
  issue: PublishedIssue,
  page: PublishedPage,
  article: PublishedArticle,
  authors: string[],
  photos: readonly FeedPhoto[],
  title: string,
  config: SiteConfig,
): { html: string; jsonPlain: boolean } => {
  const html: string[] = [];
  // Escaped text, noting whether the HTML will need JSON escaping (our own markup never does:
  // attributes are single-quoted), so the content is not scanned again for JSON Feed.
  let jsonPlain = true;
  const h = (text: string): string => {
    if (isInertText(text)) return text;
    const escaped = escapeHtml(text);
    if (needsJsonEscape(escaped)) jsonPlain = false;
    return escaped;
  };
  if (article.kicker) html.push(`<p class='kicker'>${h(article.kicker)}</p>`);
  if (article.subtitle) html.push(`<p class='subtitle'><strong>${h(article.subtitle)}</strong></p>`);
  if (article.column) html.push(`<p class='column'>【${h(article.column)}】</p>`);
  const byline = [article.dateline ?? '', authors.join(' ')].filter((s) => s !== '').join(' ');
  if (byline !== '') html.push(`<p class='byline'>${h(byline)}</p>`);
  for (const photo of photos) {
    const figure = feedFigureHtml(photo, title);
    if (needsJsonEscape(figure)) jsonPlain = false;
    html.push(figure);
  }
  // A photo's figcaption already shows the caption a photo article carries: show it once.
  if (article.caption && !photos.some((photo) => photo.caption === plainText(article.caption!)))
    html.push(`<p class='caption'>${h(article.caption)}</p>`);
  // Verse keeps its line breaks: a stanza is a paragraph, its lines end in <br>.
  for (const paragraph of article.paragraphs)
    html.push(
      article.kind === 'verse'
        ? `<p>${paragraph.split('\n').map(h).join('<br>')}</p>`
        : `<p>${h(paragraph)}</p>`,
    );
  // 更正 notices published about this article (shared/publish/attach-corrections.ts).
  for (const note of article.corrections ?? [])
    html.push(`<p class='correction'><strong>${h(`更正（${note.noticeDate}）`)}</strong>${h(note.text)}</p>`);
  if (article.jumpTarget) {
    const target = articleUrl(config.siteUrl, issue.date, article.jumpTarget.id);
    const label = article.jump?.label ?? `详见今日第${article.jumpTarget.page}版`;
    html.push(`<p class='jump'><a href='${h(target)}'>${h(label)}：${h(article.jumpTarget.title)}</a></p>`);
  } else if (article.jump) {
    html.push(`<p class='jump'>${h(article.jump.label ?? `详见今日第${article.jump.page}版`)}</p>`);
  }
  html.push(
    `<p class='source'>${h(`${issue.paper.name} ${issue.date} 第${page.number}版 ${page.section}`)}</p>`,
  );
  // No newlines between blocks: JSON Feed would escape each one, and HTML does not need them.
  return { html: html.join(''), jsonPlain };
};

const toItem = (
  issue: PublishedIssue,
  page: PublishedPage,
  article: PublishedArticle,
  config: SiteConfig,
  domain: string,
): FeedItem => {
  const title = plainText(article.title);
  const authors = bylineOf(article);
  const photos = article.photos?.length ? feedPhotosOf(article.photos, config.siteUrl) : [];
  const { html: contentHtml, jsonPlain } = contentHtmlOf(
    issue,
    page,
    article,
    authors,
    photos,
    title,
    config,
  );
  const retracted = article.status === 'retracted';
  // Parse each stored time once; most articles were never corrected (updated = published).
  const publishedTime = toBeijingTime(article.published);
  const updatedTime = article.updated === article.published ? publishedTime : toBeijingTime(article.updated);
  const deletedTime = retracted ? toBeijingTime(article.retractedAt ?? article.updated) : undefined;
  // Attributes are single-quoted and text quotes escaped, so the HTML usually needs no JSON
  // escaping at all: then its JSON literal is the HTML in quotes, without another full pass.
  const contentJson = jsonPlain ? `"${contentHtml}"` : JSON.stringify(contentHtml);
  const id = tagIdIn(domain, issue.date, article.id);
  const url = sanitizeText(articleUrl(config.siteUrl, issue.date, article.id));
  const section = sanitizeText(page.section);
  const sectionSlug = sanitizeText(page.sectionSlug);
  const summary = summaryOf(article, title);
  const kicker = article.kicker ? plainText(article.kicker) : undefined;
  const subtitle = article.subtitle ? plainText(article.subtitle) : undefined;
  const column = article.column ? plainText(article.column) : undefined;
  const common = utf8Extra(contentHtml) + utf8Extra(title + url + id + summary + section + authors.join(''));
  const slugExtra = utf8Extra(sectionSlug);
  const item: FeedItem = {
    id,
    url,
    title,
    section,
    sectionSlug,
    page: page.number,
    issueDate: issue.date,
    published: rfc3339Of(publishedTime),
    publishedRfc822: rfc822Of(publishedTime),
    updated: rfc3339Of(updatedTime),
    authors,
    summary,
    contentHtml,
    contentXml: cdata(contentHtml),
    contentJson,
    extraBytes: {
      common,
      atom: common + slugExtra,
      json: common + slugExtra + utf8Extra((kicker ?? '') + (subtitle ?? '') + (column ?? '') + section),
    },
    retracted,
    xml: {
      id: escapeXmlField(id),
      url: escapeXmlField(url),
      title: escapeXmlField(title),
      summary: escapeXmlField(summary),
      section: escapeXmlField(section),
      sectionSlug: escapeXmlField(sectionSlug),
      authors: authors.map(escapeXmlField),
    },
    changedSeconds: (deletedTime ?? updatedTime).epochSeconds,
  };
  if (kicker !== undefined) item.kicker = kicker;
  if (subtitle !== undefined) item.subtitle = subtitle;
  if (column !== undefined) item.column = column;
  if (deletedTime !== undefined) item.deletedAt = rfc3339Of(deletedTime);
  if (photos.length > 0) item.photos = photos;
  return item;
};

/** A list of items made on first access: a capped document never prepares what it drops. */
export interface ItemList {
  readonly length: number;
  at(index: number): FeedItem;
}

interface Entry {
  issue: PublishedIssue;
  page: PublishedPage;
  article: PublishedArticle;
}

const issueEntries = (spec: FeedSpec, issue: PublishedIssue): Entry[] => {
  const entries: Entry[] = [];
  for (const page of issue.pages) {
    // A section feed selects by slug, the feed's identity: two 版名 that share one (homophones
    // such as 综合 and 宗和, or a section renamed to a name of the same pinyin) must not hide each
    // other's items.
    if (spec.section !== undefined && page.sectionSlug !== spec.slug) continue;
    for (const article of page.articles) if (isFeedArticle(article)) entries.push({ issue, page, article });
  }
  return entries.sort((a, b) => a.article.order - b.article.order || a.page.number - b.page.number);
};

/**
 * Items and their fragments made during one build (one publish, one rebuild step), shared by
 * every document that shows the same article version: the all-sections feed and the section
 * feed, the subscription document and the archives. Without it each article of a window is
 * prepared twice (all + its section) and each archived one twice more. A cache serves one
 * configuration and lives as long as the build: documents read from storage in another build
 * are other versions, so nothing may be kept across builds.
 */
export interface ItemCache {
  readonly config: SiteConfig;
  readonly items: Map<string, FeedItem>;
  /** Fragment per renderer; fragments depend only on the item and the paper name (config). */
  readonly fragments: WeakMap<FeedItem, Map<unknown, unknown>>;
}

export const createItemCache = (config: SiteConfig): ItemCache => ({
  config,
  items: new Map(),
  fragments: new WeakMap(),
});

/**
 * What an item is made from, as a key. `contentHash` covers the article's text fields (kind,
 * kicker, title, subtitle, column, byline, dateline, paragraphs, caption, jump — the content
 * hash's definition, shared/publish/content-hash.ts); the rest is what publishing decided (times, status, the
 * resolved jump) and where the article stands (issue, page, section). Publishing's windows hold
 * copies of the same issue (the all-sections window and each section's), so identity would miss.
 */
const versionKey = ({ issue, page, article }: Entry) => {
  const jump = article.jumpTarget;
  return [
    issue.date,
    issue.paper.name,
    page.number,
    page.section,
    page.sectionSlug,
    article.id,
    article.contentHash,
    article.published,
    article.updated,
    article.status,
    article.retractedAt ?? '',
    jump === undefined ? '' : `${jump.page}\u0001${jump.id}\u0001${jump.title}`,
    photosVersion(article),
  ].join('\u0000');
};

/** What of an article's photos its item shows: attaching, replacing or re-captioning one is a new version. */
const photosVersion = (article: PublishedArticle) =>
  (article.photos ?? [])
    .map((p) =>
      [
        p.large.key,
        p.large.bytes,
        p.thumbnail.key,
        p.caption ?? '',
        p.credit?.printed ?? '',
        ...(p.credit?.photographers ?? []),
      ].join('\u0001'),
    )
    .join('\u0002');

/** A fragment made once per item and renderer within a build (see {@link ItemCache}). */
export const cachedFragment = <F>(
  cache: ItemCache | undefined,
  item: FeedItem,
  renderer: object,
  make: () => F,
): F => {
  if (cache === undefined) return make();
  let byRenderer = cache.fragments.get(item);
  if (byRenderer === undefined) {
    byRenderer = new Map();
    cache.fragments.set(item, byRenderer);
  }
  let fragment = byRenderer.get(renderer) as F | undefined;
  if (fragment === undefined) {
    fragment = make();
    byRenderer.set(renderer, fragment);
  }
  return fragment;
};

const lazyItems = (entries: readonly Entry[], config: SiteConfig, given?: ItemCache): ItemList => {
  const domain = config.idAuthority ?? siteDomain(config.siteUrl);
  // A cache made for another configuration (other site URL or title) must not serve this one.
  const cache = given?.config === config ? given : undefined;
  const made: FeedItem[] = [];
  return {
    length: entries.length,
    at: (index) => {
      let item = made[index];
      if (item === undefined) {
        const entry = entries[index];
        if (entry === undefined) throw new RangeError(`no item ${index} of ${entries.length}`);
        const key = cache === undefined ? undefined : versionKey(entry);
        item = key === undefined ? undefined : cache!.items.get(key);
        if (item === undefined) {
          item = toItem(entry.issue, entry.page, entry.article, config, domain);
          if (key !== undefined) cache!.items.set(key, item);
        }
        made[index] = item;
      }
      return item;
    },
  };
};

/** Items of one issue for one feed, in reading order (page, then order on the page). */
export const issueItemList = (
  spec: FeedSpec,
  issue: PublishedIssue,
  config: SiteConfig,
  cache?: ItemCache,
): ItemList => lazyItems(issueEntries(spec, issue), config, cache);

/**
 * Items of a window of issues: newest issue first, each in reading order (publishing gives
 * reading order descending times, so this is also newest first by time). Issues are re-sorted
 * by date so the order never depends on how the caller listed them.
 */
export const windowItemList = (
  spec: FeedSpec,
  window: readonly PublishedIssue[],
  config: SiteConfig,
  cache?: ItemCache,
): ItemList => {
  const issues = [...window].sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
  return lazyItems(
    issues.flatMap((issue) => issueEntries(spec, issue)),
    config,
    cache,
  );
};

/** Every item of an item list, made now. */
export const allItems = (list: ItemList): FeedItem[] =>
  Array.from({ length: list.length }, (_, i) => list.at(i));

/** Items of a window of issues, as an array (see `windowItemList`). */
export const windowItems = (
  spec: FeedSpec,
  window: readonly PublishedIssue[],
  config: SiteConfig,
): FeedItem[] => allItems(windowItemList(spec, window, config));

/** Newest `updated` (or deletion time) among items: the feed's last content change. */
export const latestChange = (items: readonly FeedItem[]): string | undefined => {
  let best: FeedItem | undefined;
  for (const item of items) if (best === undefined || item.changedSeconds > best.changedSeconds) best = item;
  return best === undefined ? undefined : (best.deletedAt ?? best.updated);
};
