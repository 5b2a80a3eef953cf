import type { SiteConfig } from '../config.ts';
import { allSectionsSlug } from '../site-layout.ts';
import { html } from './html.ts';
import { feedsSection, renderDocument } from './layout.ts';
import { homeUrl } from './site-links.ts';

/** A page explaining a non-200 answer, with ways forward. */
export interface StatusPage {
  title: string;
  message: string;
  /** Extra lines of explanation. */
  details?: string[];
  /** Links to offer, most useful first; the latest issue is always added. */
  links?: Array<{ href: string; label: string }>;
}

/**
 * The helpful page behind 404, 410, 400, 405 and 5xx answers: says what happened in plain
 * Chinese, then links to the issue's contents (when known), the latest issue and the feeds.
 * Never includes request input or error details.
 */
export const renderStatusPage = (config: SiteConfig, page: StatusPage): string => {
  const links = [...(page.links ?? []), { href: homeUrl(config), label: '最新一期目录' }];
  return renderDocument(config, {
    title: `${page.title}｜${config.title}`,
    main: html`<h1>${page.title}</h1>
<p>${page.message}</p>
${(page.details ?? []).map((d) => html`<p class="meta">${d}</p>\n`)}<ul>
${links.map((l) => html`<li><a href="${l.href}">${l.label}</a></li>\n`)}</ul>
${feedsSection(config, [{ slug: allSectionsSlug, name: '全部版面' }])}`,
  });
};
