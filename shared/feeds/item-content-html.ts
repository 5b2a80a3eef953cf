import type { SiteConfig } from '../config.ts';
import type { PublishedArticle, PublishedIssue, PublishedPage } from '../model/published.ts';
import { articleUrl } from '../site-layout.ts';
import { type FeedPhoto, feedFigureHtml } from './feed-photos.ts';
import { escapeHtml, isInertText, needsJsonEscape, plainText } from './xml-text.ts';

/**
 * The full text of an article as an item's HTML fragment: kicker, subtitle, column, byline,
 * photos, caption, paragraphs, corrections, jump and source line, each escaped once. Also says
 * whether the fragment needs JSON escaping, so JSON Feed need not scan it again.
 */
export const contentHtmlOf = (
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
