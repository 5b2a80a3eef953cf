import { comparePhotoKeys } from '../media/media-key.ts';
import { creditFromByline, type PhotoCredit, splitCaptionCredit } from '../media/photo-credit.ts';
import { labelTargetOf, matchPhotoLabel } from '../media/photo-label.ts';
import type { PhotoRef } from '../model/issue.ts';
import type { PublishedArticle, PublishedIssue, PublishedPhoto } from '../model/published.ts';
import type { MediaEntry, MediaStateDoc } from './media-state.ts';

/**
 * Where each media upload of a date went, after {@link attachMedia}. Photo reports
 * (publish-media.ts) are written from this.
 */
export type MediaOutcome =
  | { status: 'attached'; page: number; articleId: string; title: string }
  | { status: 'facsimile'; page: number }
  /** The page has no published text yet: the upload waits, and attaches when the text arrives. */
  | { status: 'waiting-for-page'; page: number }
  | { status: 'unmatched-photo' | 'ambiguous-photo'; page: number; label: string; candidates: string[] }
  /** Another facsimile of the same page wins (a PDF over a page image, then the first key). */
  | { status: 'superseded-facsimile'; page: number; by: string };

type PhotoEntry = Extract<MediaEntry, { kind: 'photo' }>;
type FacsimileEntry = Extract<MediaEntry, { kind: 'facsimile' }>;

/** The file name of an upload key (`incoming/<date>/<file>`), which a document's PhotoRef names. */
const fileOf = (key: string) => key.slice(key.lastIndexOf('/') + 1);

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A document's printed credit (`记者 刘芸 摄`) with its photographers, when the 摄 grammar finds them. */
const creditFromRef = (printed: string): PhotoCredit =>
  splitCaptionCredit(printed).credit ?? { printed, photographers: [] };

const publishedPhoto = (
  source: string,
  entry: PhotoEntry,
  article: PublishedArticle,
  ref: PhotoRef | undefined,
): PublishedPhoto => {
  const caption = ref?.caption ?? article.caption;
  const credit = ref?.credit === undefined ? creditFromByline(article.byline) : creditFromRef(ref.credit);
  return {
    source,
    ...(caption === undefined ? {} : { caption }),
    ...(credit === undefined ? {} : { credit }),
    ...entry.photo,
  };
};

/** The issue with every photo and facsimile removed: attaching always starts from here. */
const stripped = (issue: PublishedIssue): PublishedIssue => ({
  ...issue,
  pages: issue.pages.map(({ facsimile: _facsimile, ...page }) => ({
    ...page,
    articles: page.articles.map(({ photos: _photos, ...article }) => article),
  })),
});

/** Facsimile preference on one page: a PDF (the 版面 document itself) over a page image, then by key. */
const facsimileOrder = ([ka, a]: [string, FacsimileEntry], [kb, b]: [string, FacsimileEntry]) =>
  Number(a.facsimile.document.type !== 'application/pdf') -
    Number(b.facsimile.document.type !== 'application/pdf') || byKey(ka, kb);

/**
 * Attach a date's media uploads to its issue (docs/photos.md, ingestion). Pure: the result depends
 * only on the issue's text and the media state, never on the order uploads arrived in, which is
 * what makes "photo before text" and "text before photo" publish the same bytes.
 *
 * - A photo a document names (`photoRefs`, by file name) belongs to that article, with the
 *   document's caption and credit. Otherwise its label is matched (matchPhotoLabel) against the
 *   live articles of its page; nothing is guessed when none or several match.
 * - Caption and credit otherwise come from the article: its caption, its byline's photographers.
 * - An article's photos: the named ones in the document's order, then the matched ones in photo
 *   order (comparePhotoKeys).
 * - A page's facsimile: its PDF, else its page image.
 *
 * Content hashes and `updated` do not move: pictures are not the newsroom's text, and the issue
 * must come out the same whichever arrived first (docs/photos.md explains the consequence).
 */
export const attachMedia = (
  issue: PublishedIssue,
  state: MediaStateDoc | undefined,
): { issue: PublishedIssue; outcomes: Map<string, MediaOutcome> } => {
  const outcomes = new Map<string, MediaOutcome>();
  const entries = Object.entries(state?.uploads ?? {}).sort(([a], [b]) => byKey(a, b));
  const base = stripped(issue);
  const named = new Map<string, { article: PublishedArticle; ref: PhotoRef }>();
  for (const page of base.pages) {
    for (const article of page.articles) {
      if (article.status !== 'published') continue;
      for (const ref of article.photoRefs ?? []) {
        if (!named.has(ref.file)) named.set(ref.file, { article, ref });
      }
    }
  }
  const attached = new Map<
    string,
    Array<{ key: string; sequence: number; named: number; photo: PublishedPhoto }>
  >();
  const pages = new Map(base.pages.map((page) => [page.number, page]));
  for (const [key, entry] of entries) {
    if (entry.kind !== 'photo') continue;
    const byName = named.get(fileOf(key));
    let article = byName?.article;
    if (article === undefined) {
      const live = pages.get(entry.page)?.articles.filter((a) => a.status === 'published') ?? [];
      if (live.length === 0) {
        outcomes.set(key, { status: 'waiting-for-page', page: entry.page });
        continue;
      }
      const match = matchPhotoLabel(entry.label, live.map(labelTargetOf));
      if (match.status !== 'matched') {
        const { status, label, candidates } = match;
        outcomes.set(key, { status, page: entry.page, label, candidates });
        continue;
      }
      article = live[match.index]!;
    }
    const order = byName === undefined ? Number.POSITIVE_INFINITY : article.photoRefs!.indexOf(byName.ref);
    const list = attached.get(article.id) ?? [];
    list.push({
      key,
      sequence: entry.sequence,
      named: order,
      photo: publishedPhoto(key, entry, article, byName?.ref),
    });
    attached.set(article.id, list);
    const page = base.pages.find((p) => p.articles.includes(article!))!;
    outcomes.set(key, { status: 'attached', page: page.number, articleId: article.id, title: article.title });
  }

  const facsimiles = new Map<number, Array<[string, FacsimileEntry]>>();
  for (const [key, entry] of entries) {
    if (entry.kind === 'facsimile')
      facsimiles.set(entry.page, [...(facsimiles.get(entry.page) ?? []), [key, entry]]);
  }
  const chosen = new Map<number, [string, FacsimileEntry]>();
  for (const [number, list] of facsimiles) {
    const [winner, ...others] = list.sort(facsimileOrder);
    if (!pages.has(number)) {
      for (const [key] of list) outcomes.set(key, { status: 'waiting-for-page', page: number });
      continue;
    }
    chosen.set(number, winner!);
    outcomes.set(winner![0], { status: 'facsimile', page: number });
    for (const [key] of others)
      outcomes.set(key, { status: 'superseded-facsimile', page: number, by: winner![0] });
  }

  return {
    outcomes,
    issue: {
      ...base,
      pages: base.pages.map((page) => {
        const facsimile = chosen.get(page.number);
        return {
          ...page,
          ...(facsimile === undefined
            ? {}
            : { facsimile: { source: facsimile[0], ...facsimile[1].facsimile } }),
          articles: page.articles.map((article) => {
            const photos = attached.get(article.id);
            if (photos === undefined) return article;
            photos.sort((a, b) => a.named - b.named || comparePhotoKeys(a, b));
            return { ...article, photos: photos.map((p) => p.photo) };
          }),
        };
      }),
    },
  };
};
