import type { SiteConfig } from '../config.ts';
import type { PublishedArticle, PublishedIssue, PublishedPage } from '../model/published.ts';
import { contributorText } from '../model/role-labels.ts';
import { articleUrl } from '../site-layout.ts';
import type { FeedItem } from './feed-item.ts';
import { feedPhotosOf } from './feed-photos.ts';
import { rfc822Of, rfc3339Of, toBeijingTime } from './feed-time.ts';
import { contentHtmlOf } from './item-content-html.ts';
import { cdata, escapeXmlField, plainText, sanitizeText, utf8Extra } from './xml-text.ts';

/**
 * How one article becomes a feed item: its id, its texts (title, summary, content HTML, bylines)
 * sanitised once, its times in Beijing time, and the escaped and measured forms every format
 * writes.
 */

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

/** The item of `article` on `page` of `issue`; `domain` is the authority of its `tag:` id. */
export const toItem = (
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
