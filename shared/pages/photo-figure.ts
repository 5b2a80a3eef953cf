import type { PublishedPhoto } from '../model/published.ts';
import { siteFileUrl } from '../site-layout.ts';
import { html } from './html.ts';
import { photoAltText, photoCaptionLine } from './photo-text.ts';

/**
 * An article's photos on its permalink page (docs/photos.md): a `<figure>` per photo with a
 * `<picture>` offering WebP to browsers that take it and the JPEGs to the rest, `width` and
 * `height` so the page does not shift while pictures load, `alt` from the caption, and the
 * caption with its credit underneath. The `src` is the large JPEG, the URL feeds and `og:image`
 * name too.
 */

/** The layout's column: 40rem (minus padding) from 48rem up, else the viewport. */
export const photoSizes = '(min-width: 48rem) 37.75rem, calc(100vw - 2.25rem)';

type Rendition = PublishedPhoto['large'];

const srcset = (siteUrl: string, renditions: readonly Rendition[]) =>
  [...renditions]
    .sort((a, b) => a.width - b.width)
    .map((r) => `${siteFileUrl(siteUrl, r.key)} ${r.width}w`)
    .join(', ');

/** The words of a photo as the page shows them. */
export const photoWordsOf = (photo: PublishedPhoto) => ({
  caption: photo.caption,
  credit: photo.credit?.printed,
});

/**
 * One figure. The first picture of a page loads at once (it is likely the largest thing in
 * view); later ones are `loading="lazy"`.
 */
const figure = (photo: PublishedPhoto, index: number, siteUrl: string, title: string) => {
  const words = photoWordsOf(photo);
  const line = photoCaptionLine(words);
  const webp = photo.webp
    ? html`<source type="image/webp" srcset="${srcset(siteUrl, [photo.webp.thumbnail, photo.webp.large])}" sizes="${photoSizes}">
`
    : '';
  return html`<figure class="photo">
<picture>
${webp}<img src="${siteFileUrl(siteUrl, photo.large.key)}" srcset="${srcset(siteUrl, [photo.thumbnail, photo.large])}" sizes="${photoSizes}" width="${photo.large.width}" height="${photo.large.height}" alt="${photoAltText(words, title)}"${index === 0 ? '' : html` loading="lazy"`} decoding="async">
</picture>
${line === undefined ? '' : html`<figcaption>${line}</figcaption>\n`}</figure>
`;
};

/** The figures of an article's photos, in photo order. */
export const photoFigures = (photos: readonly PublishedPhoto[], siteUrl: string, title: string) =>
  photos.map((photo, index) => figure(photo, index, siteUrl, title));

/** OpenGraph image tags for share cards (WeChat, Weibo, …): the first photo's large JPEG. */
export const openGraphImage = (photo: PublishedPhoto, siteUrl: string, title: string) =>
  html`<meta property="og:image" content="${siteFileUrl(siteUrl, photo.large.key)}">
<meta property="og:image:type" content="${photo.large.type}">
<meta property="og:image:width" content="${photo.large.width}">
<meta property="og:image:height" content="${photo.large.height}">
<meta property="og:image:alt" content="${photoAltText(photoWordsOf(photo), title)}">
<meta name="twitter:card" content="summary_large_image">
`;
