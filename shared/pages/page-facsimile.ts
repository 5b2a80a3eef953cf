import type { PageFacsimile, PublishedPage } from '../model/published.ts';
import { siteFileUrl } from '../site-layout.ts';
import { html } from './html.ts';

/**
 * The contents page's view of the printed pages (docs/photos.md): each page's facsimile (版面) —
 * its thumbnail linking the PDF or the full page image, or a plain link when there is no
 * thumbnail (a PDF: the build function renders no PDF) — and 上一版/下一版 between pages.
 */

/** Byte size as a reader judges a download: `812 KB`, `2.3 MB`. */
export const formatByteSize = (bytes: number) =>
  bytes < 1024 * 1024
    ? `${Math.max(1, Math.round(bytes / 1024))} KB`
    : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

const documentLabel = (facsimile: PageFacsimile) =>
  `${facsimile.document.type === 'application/pdf' ? '版面 PDF' : '版面大图'}（${formatByteSize(facsimile.document.bytes)}）`;

/** The facsimile block of one page; empty when none was uploaded. */
export const facsimileBlock = (page: PublishedPage, siteUrl: string, first: boolean) => {
  const facsimile = page.facsimile;
  if (facsimile === undefined) return '';
  const href = siteFileUrl(siteUrl, facsimile.document.key);
  const type = facsimile.document.type;
  const thumb = facsimile.thumbnail;
  const label = documentLabel(facsimile);
  if (thumb === undefined)
    return html`<p class="facsimile meta"><a href="${href}" type="${type}">第${page.number}版${label}</a></p>
`;
  return html`<figure class="facsimile">
<a href="${href}" type="${type}"><img src="${siteFileUrl(siteUrl, thumb.key)}" width="${thumb.width}" height="${thumb.height}" alt="第${page.number}版 ${page.section} 版面"${first ? '' : html` loading="lazy"`} decoding="async"></a>
<figcaption class="meta"><a href="${href}" type="${type}">${label}</a></figcaption>
</figure>
`;
};

/** 上一版/下一版: links to the neighbouring pages of the issue (pages in number order). */
export const pageTurnLinks = (pages: readonly PublishedPage[], index: number) => {
  const previous = pages[index - 1];
  const next = pages[index + 1];
  if (previous === undefined && next === undefined) return '';
  const current = pages[index]!;
  return html`<nav class="page-turn meta" aria-label="第${current.number}版翻版">${
    previous
      ? html`<a href="#page-${previous.number}" rel="prev">上一版（第${previous.number}版 ${previous.section}）</a>`
      : ''
  }${previous && next ? ' ' : ''}${
    next
      ? html`<a href="#page-${next.number}" rel="next">下一版（第${next.number}版 ${next.section}）</a>`
      : ''
  }</nav>
`;
};
