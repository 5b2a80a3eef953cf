import { splitPhotoCredit } from '../readers/page-text-byline.ts';

/**
 * Caption and credit of a photo, from the page text (the 摄 line): `…的静美与深邃。 记者 刘芸 摄`
 * is the caption `…的静美与深邃。` and the credit `记者 刘芸 摄`, photographer 刘芸. The credit
 * grammar lives with the page-text reader (splitPhotoCredit); this module shapes it for photos.
 */

export interface PhotoCredit {
  /** The credit as printed, without brackets: `记者 刘芸 摄` (figcaption, JSON-LD creditText). */
  printed: string;
  /** The photographers' names (media:credit role="photographer", JSON-LD creator). */
  photographers: string[];
}

/** Brackets some pages print around a credit: `（通讯员 张三 摄）`. */
const bracketsRe = /^[(（]\s*|\s*[)）]$/g;

/**
 * Split a printed caption into its text and its credit. A caption without a 摄 credit comes back
 * whole, with no credit.
 */
export const splitCaptionCredit = (printed: string): { caption: string; credit?: PhotoCredit } => {
  const text = printed.trim();
  const split = splitPhotoCredit(text);
  if (split === undefined) return { caption: text };
  const credit = text.slice(split.caption.length).trim().replace(bracketsRe, '');
  return {
    caption: split.caption,
    credit: { printed: credit, photographers: split.photographers.map((person) => person.name) },
  };
};

/**
 * The credit of an article the page-text reader already split: its caption holds the text only,
 * its byline the photographers. Returns `undefined` when no photographer is named. The printed
 * form is rebuilt as `<names> 摄` because the reader keeps names and roles, not the line.
 */
export const creditFromByline = (
  byline: readonly { name: string; role: string }[],
): PhotoCredit | undefined => {
  const photographers = byline
    .filter((person) => person.role === 'photographer')
    .map((person) => person.name);
  return photographers.length === 0 ? undefined : { printed: `${photographers.join(' ')} 摄`, photographers };
};
