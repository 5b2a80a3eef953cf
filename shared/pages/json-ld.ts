import type { SiteConfig } from '../config.ts';
import type { ContributorRole, Paper } from '../model/issue.ts';
import type { ArticleRecord, PublishedIssue, PublishedPhoto } from '../model/published.ts';
import { roleLabels } from '../model/role-labels.ts';
import { articleUrl, issueUrl, siteFileUrl } from '../site-layout.ts';
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
const jsonEscapes: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** JSON text that may hold a character `stripUnwanted` removes, raw or as a `\u00XX` escape. */
const maybeUnwantedJson = /\\u00[01]|[\u007f-\u009f\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff]/;

export const serializeJsonLd = (data: unknown): string => {
  // Fast path: a replacer function costs a call per value; most records need no stripping.
  let json = JSON.stringify(data);
  if (maybeUnwantedJson.test(json))
    json = JSON.stringify(data, (_key, value: unknown) =>
      typeof value === 'string' ? stripUnwanted(value) : value,
    );
  return json.replace(/[<>&\u2028\u2029]/g, (c) => jsonEscapes[c]!);
};

/** Roles credited as authors; the others (photo, editing) are contributors. */
const authorRoles = new Set<ContributorRole>([
  'reporter',
  'correspondent',
  'reporting-team',
  'author',
  'commentator',
  'institution',
  'reader',
]);

const person = (name: string, role: ContributorRole) =>
  role === 'reporting-team'
    ? { '@type': 'Organization', name: `${name}${roleLabels[role]}` }
    : role === 'institution'
      ? { '@type': 'Organization', name }
      : { '@type': 'Person', name, jobTitle: roleLabels[role] };

/** The first characters of the text, for descriptions. */
export const summarize = (paragraphs: readonly string[], max = 120) => {
  // Only as many paragraphs as can reach `max`: articles run to thousands of characters.
  let joined = '';
  for (const paragraph of paragraphs) {
    joined = joined === '' ? paragraph : `${joined} ${paragraph}`;
    if (joined.length > max * 2) break;
  }
  const text = stripUnwanted(joined).replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
};

/** What a `PublicationIssue` is made of: the issue document and an article record both carry it. */
export interface IssueFacts {
  date: string;
  paper: Paper;
  issue: { number?: number; pageCount?: number };
}

/** The printed edition's name: 总第N期, the paper's serial issue number. */
const printEditionOf = (issue: { number?: number }) =>
  issue.number === undefined ? undefined : `总第${issue.number}期`;

/**
 * schema.org `PublicationIssue` of one date: its 期 number (`issueNumber`), its pages, the
 * `Periodical` it belongs to. `@id` is the issue's contents page, so an article's `isPartOf` and
 * the contents page's own block name the same node.
 */
const publicationIssueJsonLd = ({ date, paper, issue }: IssueFacts, config: SiteConfig) => {
  const publisher = { '@type': 'Organization', name: paper.publisher ?? paper.name, url: homeUrl(config) };
  return {
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
  };
};

/**
 * schema.org `ImageObject` of a photo: the large JPEG (the URL feeds and og:image name), its
 * size, caption, the credit as printed (`creditText`) and the photographers (`creator`).
 */
export const imageObjectJsonLd = (photo: PublishedPhoto, config: SiteConfig) => {
  const url = siteFileUrl(config.siteUrl, photo.large.key);
  const creators = photo.credit?.photographers ?? [];
  return {
    '@type': 'ImageObject',
    url,
    contentUrl: url,
    encodingFormat: photo.large.type,
    width: photo.large.width,
    height: photo.large.height,
    thumbnailUrl: siteFileUrl(config.siteUrl, photo.thumbnail.key),
    ...(photo.caption ? { caption: photo.caption } : {}),
    ...(photo.credit ? { creditText: photo.credit.printed } : {}),
    ...(creators.length > 0 ? { creator: creators.map((name) => ({ '@type': 'Person', name })) } : {}),
  };
};

/**
 * schema.org `NewsArticle` of a permalink: `isPartOf` the `PublicationIssue` (期 number, its
 * pages) of the `Periodical`; the print fields say where it stood in the paper — `printEdition`
 * (总第N期), `printPage` (第N版), `printSection` (版名), `printColumn` (栏目) — with
 * `pageStart`/`pageEnd` the article's page (schema.org puts them on the Article), and
 * `dateline` the lead as printed (本报讯) when the text has one. Times in Beijing time, +08:00.
 */
export const articleJsonLd = (record: ArticleRecord, config: SiteConfig) => {
  const { article, paper, page, issue, date } = record;
  const url = articleUrl(config.siteUrl, date, article.id);
  const authors = article.byline.filter((c) => authorRoles.has(c.role)).map((c) => person(c.name, c.role));
  const contributors = article.byline
    .filter((c) => !authorRoles.has(c.role))
    .map((c) => person(c.name, c.role));
  const publisher = { '@type': 'Organization', name: paper.publisher ?? paper.name, url: homeUrl(config) };
  const printEdition = printEditionOf(issue);
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
    ...(printEdition !== undefined ? { printEdition } : {}),
    printPage: `第${page.number}版`,
    printSection: page.section,
    ...(article.column ? { printColumn: article.column } : {}),
    ...(article.dateline ? { dateline: article.dateline } : {}),
    ...(authors.length > 0 ? { author: authors } : {}),
    ...(contributors.length > 0 ? { contributor: contributors } : {}),
    // With photos, `image` carries the pictures and their captions; without, the printed
    // caption still says what the (unpublished) photo showed.
    ...(article.photos?.length
      ? { image: article.photos.map((photo) => imageObjectJsonLd(photo, config)) }
      : article.caption
        ? { about: { '@type': 'ImageObject', caption: article.caption } }
        : {}),
    // 更正 notices about this article: schema.org's CorrectionComment, dated by the notice's issue.
    ...(article.corrections?.length
      ? {
          correction: article.corrections.map((note) => ({
            '@type': 'CorrectionComment',
            text: note.text,
            datePublished: note.at,
            url: articleUrl(config.siteUrl, note.noticeDate, note.noticeId),
          })),
        }
      : {}),
    publisher,
    isAccessibleForFree: true,
    isPartOf: publicationIssueJsonLd(record, config),
  };
};

/**
 * The contents page's own block: the `PublicationIssue` of the date, with the live articles as
 * `hasPart` (each by its `@id`, the node its permalink describes in full).
 */
export const issueJsonLd = (issue: PublishedIssue, config: SiteConfig) => {
  const printEdition = printEditionOf(issue);
  const articles = [...issue.pages]
    .sort((a, b) => a.number - b.number)
    .flatMap((page) =>
      page.articles
        .filter((a) => a.status !== 'retracted')
        .sort((a, b) => a.order - b.order)
        .map((a) => ({
          '@type': 'NewsArticle',
          '@id': articleUrl(config.siteUrl, issue.date, a.id),
          headline: a.title,
          printPage: `第${page.number}版`,
          printSection: page.section,
        })),
    );
  return {
    '@context': 'https://schema.org',
    ...publicationIssueJsonLd({ date: issue.date, paper: issue.paper, issue }, config),
    ...(printEdition !== undefined ? { name: `${issue.paper.name} ${printEdition}` } : {}),
    inLanguage: 'zh-CN',
    ...(articles.length > 0 ? { hasPart: articles } : {}),
  };
};
