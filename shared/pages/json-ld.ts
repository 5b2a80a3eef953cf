import type { SiteConfig } from '../config.ts';
import type { ContributorRole } from '../model/issue.ts';
import { roleLabels } from '../model/issue.ts';
import type { ArticleRecord } from '../model/published.ts';
import { articleUrl, issueUrl } from '../site-layout.ts';
import { toBeijingIso } from './beijing-time.ts';
import { stripUnwanted } from './html.ts';
import { homeUrl } from './site-links.ts';

/**
 * Serialise data for a `<script type="application/ld+json">` block. JSON.stringify alone is not
 * enough inside HTML: `</script>` in a title would end the block and `<!--` would switch the
 * tokenizer into its escaped state, so `<`, `>` and `&` are written as `\u003c`-style escapes
 * (still the same JSON). U+2028/U+2029 are escaped for old JavaScript parsers, and characters
 * that may not appear in an HTML document are dropped from strings first.
 */
export const serializeJsonLd = (data: unknown): string =>
  JSON.stringify(data, (_key, value: unknown) => (typeof value === 'string' ? stripUnwanted(value) : value))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

/** Roles credited as authors; the others (photo, editing) are contributors. */
const authorRoles = new Set<ContributorRole>(['reporter', 'correspondent', 'reporting-team']);

const person = (name: string, role: ContributorRole) =>
  role === 'reporting-team'
    ? { '@type': 'Organization', name: `${name}${roleLabels[role]}` }
    : { '@type': 'Person', name, jobTitle: roleLabels[role] };

/** The first characters of the text, for descriptions. */
export const summarize = (paragraphs: readonly string[], max = 120) => {
  const text = stripUnwanted(paragraphs.join(' ')).replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
};

/**
 * schema.org `NewsArticle` of a permalink: `isPartOf` the `PublicationIssue` (期 number, its
 * pages) of the `Periodical`; `pageStart`/`pageEnd` are the article's page (schema.org puts them
 * on the Article); times in Beijing time with +08:00.
 */
export const articleJsonLd = (record: ArticleRecord, config: SiteConfig) => {
  const { article, paper, page, issue, date } = record;
  const url = articleUrl(config.siteUrl, date, article.id);
  const authors = article.byline.filter((c) => authorRoles.has(c.role)).map((c) => person(c.name, c.role));
  const contributors = article.byline
    .filter((c) => !authorRoles.has(c.role))
    .map((c) => person(c.name, c.role));
  const publisher = { '@type': 'Organization', name: paper.publisher ?? paper.name, url: homeUrl(config) };
  return {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    '@id': url,
    url,
    mainEntityOfPage: url,
    headline: article.title,
    ...(article.subtitle ? { alternativeHeadline: article.subtitle } : {}),
    ...(article.paragraphs.length > 0 ? { description: summarize(article.paragraphs) } : {}),
    inLanguage: 'zh-CN',
    datePublished: toBeijingIso(article.published) ?? article.published,
    dateModified: toBeijingIso(article.updated) ?? article.updated,
    articleSection: page.section,
    pageStart: page.number,
    pageEnd: page.number,
    ...(authors.length > 0 ? { author: authors } : {}),
    ...(contributors.length > 0 ? { contributor: contributors } : {}),
    ...(article.caption ? { about: { '@type': 'ImageObject', caption: article.caption } } : {}),
    publisher,
    isAccessibleForFree: true,
    isPartOf: {
      '@type': 'PublicationIssue',
      '@id': issueUrl(config.siteUrl, date),
      url: issueUrl(config.siteUrl, date),
      ...(issue.number !== undefined ? { issueNumber: issue.number } : {}),
      datePublished: `${date}T${config.publicationTime}:00+08:00`,
      pageStart: 1,
      ...(issue.pageCount !== undefined ? { pageEnd: issue.pageCount } : {}),
      isPartOf: {
        '@type': 'Periodical',
        name: paper.name,
        ...(paper.serial ? { identifier: paper.serial } : {}),
        publisher,
      },
    },
  };
};
