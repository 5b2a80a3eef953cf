import type { SiteConfig } from '../config.ts';
import type { PublishedArticle, PublishedIssue } from '../model/published.ts';
import { contributorText } from '../model/role-labels.ts';
import { allSectionsSlug, articleUrl, issueUrl } from '../site-layout.ts';
import { formatChineseDate } from './beijing-time.ts';
import { html, trustedHtml } from './html.ts';
import { issueJsonLd, serializeJsonLd } from './json-ld.ts';
import { alternateLinks, feedLinkList, feedsSection, renderDocument } from './layout.ts';
import { facsimileBlock, pageTurnLinks } from './page-facsimile.ts';
import { paperFooter } from './render-article-page.ts';
import { allSectionsFeedLinks, feedLinks, homeUrl } from './site-links.ts';

/** Options of the table of contents page. */
export interface IssuePageOptions {
  /** Rendered as the home page (`/`): canonical is the site root, the title says 最新一期. */
  home?: boolean;
}

/** Distinct sections of an issue in page order, for feed lists. */
const issueSections = (issue: PublishedIssue) => {
  const seen = new Map<string, string>();
  for (const page of [...issue.pages].sort((a, b) => a.number - b.number))
    if (!seen.has(page.sectionSlug)) seen.set(page.sectionSlug, page.section);
  return [...seen].map(([slug, name]) => ({ slug, name }));
};

const shortByline = (article: PublishedArticle) => {
  const first = article.byline[0];
  if (!first) return '';
  const more = article.byline.length > 1 ? ' 等' : '';
  return html` <span class="by">${contributorText(first)}${more}</span>`;
};

const tocEntry = (issue: PublishedIssue, article: PublishedArticle, config: SiteConfig) =>
  html`<li>${article.kicker ? html`<span class="kicker-inline">${article.kicker}</span>` : ''}<a href="${articleUrl(config.siteUrl, issue.date, article.id)}">${article.title}</a>${shortByline(article)}</li>
`;

/**
 * The table of contents of one issue, page by page, with a link to every article and to every
 * feed. Retracted articles are left out: their permalinks answer 410.
 */
export const renderIssuePage = (
  issue: PublishedIssue,
  config: SiteConfig,
  options: IssuePageOptions = {},
): string => {
  const pages = [...issue.pages].sort((a, b) => a.number - b.number);
  const sections = issueSections(issue);
  const dateText = formatChineseDate(issue.date);
  const canonical = options.home ? homeUrl(config) : issueUrl(config.siteUrl, issue.date);
  const details = [
    issue.weekday,
    issue.lunarDate,
    issue.number !== undefined ? `总第${issue.number}期` : undefined,
    issue.pageCount !== undefined ? `今日${issue.pageCount}版` : undefined,
  ].filter((d): d is string => d !== undefined);

  const head = html`${alternateLinks(allSectionsFeedLinks(config), `${config.title}·全部版面`)}${sections.map(
    (s) => alternateLinks(feedLinks(config, s.slug), `${config.title}·${s.name}`),
  )}<meta property="og:type" content="website">
<meta property="og:title" content="${config.title} ${dateText}">
<meta property="og:url" content="${canonical}">
<meta property="og:site_name" content="${config.title}">
<meta property="og:locale" content="zh_CN">
<script type="application/ld+json">${trustedHtml(serializeJsonLd(issueJsonLd(issue, config)))}</script>
`;

  const main = html`<h1>${issue.paper.name} ${dateText}${options.home ? html`<span class="edition">最新一期</span>` : ''}</h1>
${details.length > 0 ? html`<p class="meta">${details.join(' · ')}</p>\n` : ''}${options.home ? html`<p class="meta"><a href="${issueUrl(config.siteUrl, issue.date)}">本期目录的永久链接</a></p>\n` : ''}<nav aria-label="版面"><p class="meta">${pages.map(
    (p, i) => html`${i > 0 ? ' · ' : ''}<a href="#page-${p.number}">第${p.number}版 ${p.section}</a>`,
  )}</p></nav>
${pages.map((page, index) => {
  const articles = page.articles.filter((a) => a.status !== 'retracted').sort((a, b) => a.order - b.order);
  return html`<section id="page-${page.number}" aria-labelledby="page-${page.number}-heading">
<h2 id="page-${page.number}-heading">第${page.number}版 ${page.section}</h2>
${facsimileBlock(page, config.siteUrl, index === 0)}${
  articles.length > 0
    ? html`<ul class="toc">
${articles.map((a) => tocEntry(issue, a, config))}</ul>
`
    : html`<p class="meta">本版暂无文章。</p>
`
}<p class="meta page-feeds">订阅本版：${feedLinkList(feedLinks(config, page.sectionSlug))}</p>
${pageTurnLinks(pages, index)}</section>
`;
})}${feedsSection(config, [{ slug: allSectionsSlug, name: '全部版面' }, ...sections.map((s) => ({ slug: s.slug, name: `${s.name}版` }))])}`;

  return renderDocument(config, {
    title: options.home ? `${config.title}｜最新一期 ${dateText}` : `${issue.paper.name} ${dateText} 目录`,
    description: `${issue.paper.name} ${dateText}${details.length > 0 ? ` ${details.join(' ')}` : ''}`,
    canonical,
    head,
    main,
    footer: paperFooter(issue.paper),
  });
};
