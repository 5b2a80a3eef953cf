import type { Article, Paper, PhotoRef } from './issue.ts';

/**
 * What the publish use case stores and every renderer reads. Times are ISO 8601 strings with
 * the Beijing offset (`2024-11-30T05:00:00+08:00`): they are stored as written so feeds and pages
 * never re-derive them from the build clock (determinism: same state → same bytes).
 */

/** An article as published: the parsed article plus what publishing decided about it. */
export interface PublishedArticle extends Omit<Article, 'photos'> {
  /** Position in the issue's reading order (page order, then order on the page), from 0. */
  order: number;
  /** First publication time, +08:00; distinct per article within an issue. */
  published: string;
  /** Last real content change, +08:00; equals `published` until a correction. */
  updated: string;
  /** sha256 hex of the article's rendered content; moves only when content really changes. */
  contentHash: string;
  status: 'published' | 'retracted';
  /** Set when the upload that carried the article was deleted. */
  retractedAt?: string;
  /** Resolved jump reference (teaser → the full article on another page), when found. */
  jumpTarget?: { page: number; id: string; title: string };
  /**
   * 更正 notices published about this article (shared/publish/attach-corrections.ts), oldest
   * first. Attaching or detaching one moves `updated`; the id never changes.
   */
  corrections?: CorrectionNote[];
  /**
   * The photos the issue document named (`Article.photos`), kept so a picture uploaded later
   * still finds its article.
   */
  photoRefs?: PhotoRef[];
  /** Photos attached to the article (docs/photos.md), in photo order; the first is "the" photo. */
  photos?: PublishedPhoto[];
}

/** One stored, content-addressed rendition of a picture (`media/<digest>/<width>.<ext>`). */
export interface MediaRendition {
  key: string;
  type: 'image/jpeg' | 'image/webp';
  width: number;
  height: number;
  /** Byte length, for `<enclosure length>`, `media:content fileSize`, `size_in_bytes`. */
  bytes: number;
}

/**
 * A photo as attached to a published article. Feeds and pages are rendered from this alone,
 * without reading any image. `large` (the 1200 px JPEG) is the one URL every feed element uses.
 */
export interface PublishedPhoto {
  /** The upload key (decoded) the picture came from. */
  source: string;
  caption?: string;
  /** The credit as printed (`记者 刘芸 摄`) and the photographers it names. */
  credit?: { printed: string; photographers: string[] };
  large: MediaRendition;
  thumbnail: MediaRendition;
  /** WebP beside the JPEGs, for `<picture>` on permalink pages only. */
  webp?: { large: MediaRendition; thumbnail: MediaRendition };
}

/** A page's facsimile (版面): the PDF as uploaded, or a page image's renditions. */
export interface PageFacsimile {
  source: string;
  /** What the contents page links: the PDF, or the 2000 px page JPEG. */
  document: {
    key: string;
    type: 'application/pdf' | 'image/jpeg';
    bytes: number;
    width?: number;
    height?: number;
  };
  /** The ≤ 400 px JPEG; absent for a PDF (the build function has no PDF renderer). */
  thumbnail?: MediaRendition;
}

/** A correction notice as attached to the article it corrects. */
export interface CorrectionNote {
  /** Issue date of the notice, YYYY-MM-DD. */
  noticeDate: string;
  /** Id of the notice (an article of kind `correction`) in that issue. */
  noticeId: string;
  noticePage: number;
  /** The notice's text as printed. */
  text: string;
  /** When the note was attached, +08:00. */
  at: string;
}

export interface PublishedPage {
  number: number;
  section: string;
  /** ASCII slug of the section, used in feed URLs (`feeds/<slug>/…`). */
  sectionSlug: string;
  editor?: string;
  /** The upload key (decoded) whose data this page came from. */
  source: string;
  /** The page's facsimile, once one is uploaded (docs/photos.md). */
  facsimile?: PageFacsimile;
  articles: PublishedArticle[];
}

/** `issues/<date>.json`: one issue as published, the unit feeds and tables of contents read. */
export interface PublishedIssue {
  schemaVersion: 1;
  paper: Paper;
  date: string;
  weekday?: string;
  lunarDate?: string;
  number?: number;
  pageCount?: number;
  pages: PublishedPage[];
  /**
   * Set once a picture or PDF was uploaded for this date: publishes then read
   * `state/media/<date>.json` and attach its media (shared/publish/publish-media.ts); an issue
   * without it costs text publishes no extra read.
   */
  hasMedia?: true;
  /** Latest content change of any article in the issue, +08:00. */
  updated: string;
}

/** `articles/<date>/<id>.json`: everything the permalink function needs in one read. */
export interface ArticleRecord {
  schemaVersion: 1;
  date: string;
  paper: Paper;
  issue: { weekday?: string; lunarDate?: string; number?: number; pageCount?: number };
  page: { number: number; section: string; sectionSlug: string; editor?: string };
  article: PublishedArticle;
}
