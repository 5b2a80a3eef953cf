import { brandAssets } from '../branding/brand-assets.ts';
import type { SiteConfig } from '../config.ts';
import { type HtmlValue, html, trustedHtml } from './html.ts';
import { pageStyle } from './page-style.ts';
import { type FeedLink, feedLinks, homeUrl, opmlUrl } from './site-links.ts';

/** What a page puts into the shared document shell. */
export interface DocumentParts {
  /** `<title>` text. */
  title: string;
  description?: string;
  canonical?: string;
  /** Extra `<head>` markup (alternate links, OpenGraph, JSON-LD). */
  head?: HtmlValue;
  /** Content of `<main>`. */
  main: HtmlValue;
  /** Extra footer lines (paper details). */
  footer?: HtmlValue;
}

/** `<link rel="alternate">` autodiscovery lines for a feed's documents. */
export const alternateLinks = (links: FeedLink[], title: string) =>
  links.map(
    (
      link,
    ) => html`<link rel="alternate" type="${link.type}" title="${title}（${link.label}）" href="${link.href}">
`,
  );

/** One line of links to a feed's three documents. */
export const feedLinkList = (links: FeedLink[]) =>
  links.map(
    (link, i) => html`${i > 0 ? ' ' : ''}<a href="${link.href}" type="${link.type}">${link.label}</a>`,
  );

/** A `<section>` listing subscription links, one line per feed, plus the OPML. */
export const feedsSection = (
  config: SiteConfig,
  feeds: Array<{ slug: string; name: string }>,
) => html`<section class="feeds" aria-labelledby="feeds-heading">
<h2 id="feeds-heading">订阅</h2>
<ul>
${feeds.map(
  (feed) => html`<li>${feed.name}：${feedLinkList(feedLinks(config, feed.slug))}</li>
`,
)}<li>全部订阅列表：<a href="${opmlUrl(config)}" type="text/x-opml">OPML</a></li>
</ul>
</section>
`;

/**
 * The HTML5 document shell: `lang="zh-CN"`, viewport for phones, the one inline stylesheet, no
 * scripts. The CSP set by the server matches the stylesheet by hash, so this function is the only
 * place a `<style>` may come from.
 */
export const renderDocument = (config: SiteConfig, parts: DocumentParts): string => {
  const brand = brandAssets(config);
  return html`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="theme-color" content="${brand.accentColor}">
<link rel="icon" href="${brand.faviconIco}" sizes="32x32 64x64">
<link rel="icon" type="image/png" sizes="64x64" href="${brand.favicon64}">
<link rel="apple-touch-icon" href="${brand.appleTouchIcon}">
<title>${parts.title}</title>
${parts.description ? html`<meta name="description" content="${parts.description}">\n` : ''}${parts.canonical ? html`<link rel="canonical" href="${parts.canonical}">\n` : ''}${parts.head}<style>${trustedHtml(pageStyle)}</style>
</head>
<body>
<header class="site-header"><div class="wrap"><a class="masthead" href="${homeUrl(config)}">${config.title}</a>
<nav aria-label="站点"><a href="${homeUrl(config)}">最新一期</a><a href="${opmlUrl(config)}" type="text/x-opml">订阅列表</a></nav></div></header>
<main class="wrap">
${parts.main}</main>
<footer class="site-footer"><div class="wrap">
${parts.footer}<p><a href="${homeUrl(config)}">${config.title}</a></p>
</div></footer>
</body>
</html>
`.value;
};
