import type { PublishedPhoto } from '../model/published.ts';
import { photoAltText, photoCaptionLine } from '../pages/photo-text.ts';
import { siteFileUrl } from '../site-layout.ts';
import {
  escapeCleanXmlAttribute,
  escapeCleanXmlText,
  escapeHtml,
  jsonString,
  plainText,
  sanitizeText,
} from './xml-text.ts';

/**
 * An article's photos in the three feed formats (docs/photos.md, "What the publisher emits").
 * Every element that names the picture — the inline `<img src>`, RSS `<enclosure>` and
 * `media:content`, Atom `link rel="enclosure"`, JSON Feed `image` and `attachments` — names the
 * SAME URL, the large JPEG: readers that show attachments deduplicate them by URL against the
 * content. Only `media:thumbnail` names the small JPEG. WebP stays on permalink pages.
 */

/** Media RSS (`http://search.yahoo.com/mrss/`). */
export const mediaRssNamespace = 'http://search.yahoo.com/mrss/';

/** A photo prepared once per item: absolute URLs, every string sanitised. */
export interface FeedPhoto {
  url: string;
  type: string;
  width: number;
  height: number;
  bytes: number;
  caption?: string;
  /** The credit as printed (`记者 刘芸 摄`). */
  credit?: string;
  photographers: string[];
  thumbnail: { url: string; width: number; height: number };
}

/** The article's photos for feed items, in photo order. */
export const feedPhotosOf = (photos: readonly PublishedPhoto[], siteUrl: string): FeedPhoto[] =>
  photos.map((photo) => {
    const prepared: FeedPhoto = {
      url: sanitizeText(siteFileUrl(siteUrl, photo.large.key)),
      type: photo.large.type,
      width: photo.large.width,
      height: photo.large.height,
      bytes: photo.large.bytes,
      photographers: (photo.credit?.photographers ?? []).map(plainText).filter((name) => name !== ''),
      thumbnail: {
        url: sanitizeText(siteFileUrl(siteUrl, photo.thumbnail.key)),
        width: photo.thumbnail.width,
        height: photo.thumbnail.height,
      },
    };
    const caption = photo.caption === undefined ? '' : plainText(photo.caption);
    const credit = photo.credit === undefined ? '' : plainText(photo.credit.printed);
    if (caption !== '') prepared.caption = caption;
    if (credit !== '') prepared.credit = credit;
    return prepared;
  });

/**
 * The inline figure of the content HTML, once per photo. Attributes are single-quoted like the
 * rest of the feed content (JSON Feed then needs no escaping); no `srcset` or `loading`: feed
 * sanitizers strip them, and `width`/`height` already reserve the space.
 */
export const feedFigureHtml = (photo: FeedPhoto, title: string): string => {
  const line = photoCaptionLine(photo);
  const caption = line === undefined ? '' : `<figcaption>${escapeHtml(line)}</figcaption>`;
  return `<figure><img src='${escapeHtml(photo.url)}' width='${photo.width}' height='${photo.height}' alt='${escapeHtml(photoAltText(photo, title))}'>${caption}</figure>`;
};

/**
 * RSS: exactly one `<enclosure>` (the first photo; many readers keep only one) and a
 * `media:content` per photo with its caption, photographers and thumbnail. The Media RSS
 * namespace is declared on the `<item>` itself, so documents without photos keep their bytes
 * and an item's fragment stays self-contained for the byte cap.
 */
export const rssPhotoXml = (photos: readonly FeedPhoto[]): string => {
  const first = photos[0];
  if (first === undefined) return '';
  let xml = `      <enclosure url="${escapeCleanXmlAttribute(first.url)}" length="${first.bytes}" type="${first.type}"/>\n`;
  for (const photo of photos) {
    xml += `      <media:content url="${escapeCleanXmlAttribute(photo.url)}" medium="image" type="${photo.type}" width="${photo.width}" height="${photo.height}" fileSize="${photo.bytes}">\n`;
    if (photo.caption !== undefined)
      xml += `        <media:description type="plain">${escapeCleanXmlText(photo.caption)}</media:description>\n`;
    for (const name of photo.photographers)
      xml += `        <media:credit role="photographer" scheme="urn:ebu">${escapeCleanXmlText(name)}</media:credit>\n`;
    // A credit that names nobody (本报资料图片) is still the credit: without a role.
    if (photo.photographers.length === 0 && photo.credit !== undefined)
      xml += `        <media:credit>${escapeCleanXmlText(photo.credit)}</media:credit>\n`;
    const thumb = photo.thumbnail;
    xml += `        <media:thumbnail url="${escapeCleanXmlAttribute(thumb.url)}" width="${thumb.width}" height="${thumb.height}"/>\n`;
    xml += '      </media:content>\n';
  }
  return xml;
};

/** Atom: a `link rel="enclosure"` per photo, with its length, type and caption as title. */
export const atomPhotoXml = (photos: readonly FeedPhoto[]): string => {
  let xml = '';
  for (const photo of photos) {
    const title = photo.caption === undefined ? '' : ` title="${escapeCleanXmlAttribute(photo.caption)}"`;
    xml += `    <link rel="enclosure" type="${photo.type}" length="${photo.bytes}"${title} href="${escapeCleanXmlAttribute(photo.url)}"/>\n`;
  }
  return xml;
};

/**
 * JSON Feed 1.1 members `image` (the first photo: it is also in `content_html`, which the spec
 * reads as the featured image) and `attachments` (every photo), as `,"image":…,"attachments":[…]`.
 * No `banner_image`: the spec keeps it for an image that does not appear in the content.
 */
export const jsonPhotoMembers = (photos: readonly FeedPhoto[]): string => {
  const first = photos[0];
  if (first === undefined) return '';
  const attachments = photos.map(
    (photo) =>
      `{"url":${jsonString(photo.url)},"mime_type":"${photo.type}"${photo.caption === undefined ? '' : `,"title":${jsonString(photo.caption)}`},"size_in_bytes":${photo.bytes}}`,
  );
  return `,"image":${jsonString(first.url)},"attachments":[${attachments.join(',')}]`;
};
