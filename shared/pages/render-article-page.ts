import type { SiteConfig } from '../config.ts';
import type { Contributor } from '../model/issue.ts';
import type { ArticleRecord } from '../model/published.ts';
import { roleLabels } from '../model/role-labels.ts';
import { allSectionsSlug, articleUrl, issueUrl } from '../site-layout.ts';
import { formatChineseDate, formatChineseDateTime, toBeijingIso } from './beijing-time.ts';
import { html, trustedHtml } from './html.ts';
import { articleJsonLd, serializeJsonLd, summarize } from './json-ld.ts';
import { alternateLinks, feedsSection, renderDocument } from './layout.ts';
import { openGraphImage, photoFigures } from './photo-figure.ts';
import { allSectionsFeedLinks, feedLinks } from './site-links.ts';

/**
 * Bumped whenever the HTML of a page changes for the same record, so response ETags (derived from
 * the stored record's ETag and this version) change with it.
 */
export const pageRendererVersion = '2';

/** Consecutive contributors with the same role share one label: 记者 胡灵萍 郑菁菁 通讯员 余黎红. */
const groupByRole = (byline: readonly Contributor[]) => {
  const groups: Array<{ role: Contributor['role']; names: string[] }> = [];
  for (const contributor of byline) {
    const last = groups.at(-1);
    if (last?.role === contributor.role) last.names.push(contributor.name);
    else groups.push({ role: contributor.role, names: [contributor.name] });
  }
  return groups;
};

/** The byline as printed, with roles labelled in Chinese. */
const renderByline = (byline: readonly Contributor[]) =>
  byline.length === 0
    ? ''
    : html`<p class="byline">${groupByRole(byline).map((g) =>
        roleLabels[g.role] === ''
          ? g.names.join(' ')
          : html`<span class="role">${roleLabels[g.role]}</span>${g.names.join(' ')}`,
      )}</p>
`;

/** Issue line under the title: date (Beijing), weekday, page and section, 总第N期. */
const issueLine = (record: ArticleRecord) => {
  const { issue, page, article, date } = record;
  const published = toBeijingIso(article.published) ?? date;
  const parts = [
    html`<time datetime="${published}">${formatChineseDate(date)}</time>${issue.weekday ? ` ${issue.weekday}` : ''}`,
    html`第${page.number}版 ${page.section}`,
    issue.number !== undefined ? html`总第${issue.number}期` : undefined,
  ].filter((p) => p !== undefined);
  return html`<p class="meta">${parts.map((p, i) => html`${i > 0 ? ' · ' : ''}${p}`)}</p>
`;
};

/** The 详见今日第N版 line, linked to the target article when publishing resolved it. */
const jumpLine = (record: ArticleRecord, config: SiteConfig) => {
  const { article, date } = record;
  if (!article.jump) return '';
  const label = article.jump.label ?? `详见今日第${article.jump.page}版`;
  if (article.jumpTarget) {
    const href = articleUrl(config.siteUrl, date, article.jumpTarget.id);
    return html`<p class="jump"><a href="${href}">${label}：${article.jumpTarget.title}</a></p>
`;
  }
  // Unresolved (the target page is not published yet): the table of contents still helps.
  return html`<p class="jump"><a href="${issueUrl(config.siteUrl, date)}#page-${article.jump.page}">${label}</a></p>
`;
};

/** A stanza of verse: its lines kept, each ending in <br> but the last. */
const stanza = (text: string) =>
  html`<p class="stanza">${text.split('\n').map((line, i) => (i === 0 ? line : html`<br>\n${line}`))}</p>
`;

/** 更正 notes attached to the article (shared/publish/attach-corrections.ts), visible under its text. */
const correctionNotes = (record: ArticleRecord) =>
  (record.article.corrections ?? []).map(
    (
      note,
    ) => html`<aside class="correction"><p><strong>更正</strong>（<time datetime="${note.noticeDate}">${formatChineseDate(note.noticeDate)}</time>）${note.text}</p></aside>
`,
  );

const paragraphs = (record: ArticleRecord) => {
  const { article } = record;
  if (article.kind === 'verse') return article.paragraphs.map(stanza);
  return article.paragraphs.map((text, i) =>
    i === 0 && article.dateline
      ? html`<p><span class="dateline">${article.dateline}</span> ${text}</p>
`
      : html`<p>${text}</p>
`,
  );
};

/** Paper details for the footer (organ, publisher, serial number, hotline). */
export const paperFooter = (paper: ArticleRecord['paper']) => {
  const details = [paper.organ, paper.publisher ? `${paper.publisher}出版` : undefined, paper.serial];
  const line = details.filter((d): d is string => d !== undefined).join(' · ');
  return html`<p>${paper.name}${line ? ` · ${line}` : ''}${paper.hotline ? ` · 热线 ${paper.hotline}` : ''}</p>
`;
};

/**
 * The article permalink page: valid HTML5, no scripts; head carries canonical, feed
 * autodiscovery (the section's feed, then every section's), OpenGraph and JSON-LD NewsArticle.
 * Pure: same record and config give the same bytes.
 */
export const renderArticlePage = (record: ArticleRecord, config: SiteConfig): string => {
  const { article, page, date, paper } = record;
  const url = articleUrl(config.siteUrl, date, article.id);
  const toc = issueUrl(config.siteUrl, date);
  const description = summarize(article.paragraphs) || article.caption || article.title;
  const sectionFeeds = feedLinks(config, page.sectionSlug);
  const allFeeds = allSectionsFeedLinks(config);
  const published = toBeijingIso(article.published) ?? article.published;
  const updated = toBeijingIso(article.updated) ?? article.updated;
  const updatedText = updated !== published ? formatChineseDateTime(article.updated) : undefined;
  const photos = article.photos ?? [];
  const lead = photos[0];
  // A photo article's caption is its photo's: the figcaption shows it, so it is not repeated.
  const caption =
    article.caption && !photos.some((photo) => photo.caption === article.caption)
      ? article.caption
      : undefined;

  const head = html`${alternateLinks(sectionFeeds, `${config.title}·${page.section}`)}${alternateLinks(allFeeds, `${config.title}·全部版面`)}<meta property="og:type" content="article">
<meta property="og:title" content="${article.title}">
<meta property="og:description" content="${description}">
<meta property="og:url" content="${url}">
<meta property="og:site_name" content="${config.title}">
<meta property="og:locale" content="zh_CN">
${lead ? openGraphImage(lead, config.siteUrl, article.title) : ''}<meta property="article:published_time" content="${published}">
<meta property="article:modified_time" content="${updated}">
<meta property="article:section" content="${page.section}">
<script type="application/ld+json">${trustedHtml(serializeJsonLd(articleJsonLd(record, config)))}</script>
`;

  const main = html`<article>
<header>
${article.kicker ? html`<p class="kicker">${article.kicker}</p>\n` : ''}<h1>${article.title}</h1>
${article.subtitle ? html`<p class="subtitle">${article.subtitle}</p>\n` : ''}${issueLine(record)}${article.column ? html`<p class="meta">栏目：${article.column}</p>\n` : ''}${renderByline(article.byline)}</header>
<div class="article-body">
${photoFigures(photos, config.siteUrl, article.title)}${caption ? html`<p class="caption"><strong>图片说明</strong>${caption}</p>\n` : ''}${paragraphs(record)}${jumpLine(record, config)}${correctionNotes(record)}</div>
<footer class="article-footer">
${updatedText ? html`<p>更新于 <time datetime="${updated}">${updatedText}</time></p>\n` : ''}${page.editor ? html`<p>责任编辑：${page.editor}</p>\n` : ''}<p><a href="${toc}">本期目录（${formatChineseDate(date)}）</a> · <a href="${toc}#page-${page.number}">第${page.number}版 ${page.section}</a></p>
</footer>
</article>
${feedsSection(config, [
  { slug: page.sectionSlug, name: `${page.section}版` },
  { slug: allSectionsSlug, name: '全部版面' },
])}`;

  return renderDocument(config, {
    title: `${article.title}｜${paper.name} ${formatChineseDate(date)} 第${page.number}版`,
    description,
    canonical: url,
    head,
    main,
    footer: paperFooter(paper),
  });
};
