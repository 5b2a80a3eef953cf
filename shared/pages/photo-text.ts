/**
 * The words shown with a photo, the same in feeds and on pages (docs/photos.md): the
 * figcaption is the caption, then the credit as printed, joined by a middle dot
 * (`古城韵味 大美衢州 · 记者 刘芸 摄`); `alt` is the caption, else the article's title.
 */

/** A photo's caption and printed credit, whatever shape its renderer keeps them in. */
export interface PhotoWords {
  caption?: string | undefined;
  credit?: string | undefined;
}

/** `caption · credit`, either alone, or undefined when the photo has neither. */
export const photoCaptionLine = ({ caption, credit }: PhotoWords): string | undefined => {
  const parts = [caption, credit].filter((part): part is string => part !== undefined && part.trim() !== '');
  return parts.length === 0 ? undefined : parts.join(' · ');
};

/**
 * Text alternative: the caption says what the picture shows; without one the article's title
 * is the best description there is (an empty alt would declare a news photo decorative).
 */
export const photoAltText = ({ caption }: PhotoWords, title: string): string =>
  caption !== undefined && caption.trim() !== '' ? caption : title;
