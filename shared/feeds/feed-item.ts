import type { PublishedArticle, PublishedIssue, PublishedPage } from '../model/published.ts';
import type { FeedPhoto } from './feed-photos.ts';

/** One feed item, format-neutral. All strings are sanitised (no XML-forbidden characters). */
export interface FeedItem {
  /** `tag:<site domain>,<issue date>:<article id>`: the same in every feed that carries it. */
  id: string;
  /** Absolute article permalink. */
  url: string;
  title: string;
  /** 引题 */
  kicker?: string;
  /** 副题 */
  subtitle?: string;
  /** 栏目 */
  column?: string;
  section: string;
  sectionSlug: string;
  page: number;
  issueDate: string;
  /** RFC 3339, +08:00. */
  published: string;
  /** `published` as RFC 822 with +0800 (RSS). */
  publishedRfc822: string;
  /** RFC 3339, +08:00. */
  updated: string;
  /** Bylines as printed, e.g. `记者 徐颖之`; empty when the article names nobody. */
  authors: string[];
  /** Plain-text teaser, at most `summaryLength` characters plus an ellipsis. */
  summary: string;
  /** Full text as an HTML fragment; kicker, subtitle, byline and jump stay visible. */
  contentHtml: string;
  /** `contentHtml` as an XML CDATA section, made once and shared by RSS and Atom. */
  contentXml: string;
  /** `contentHtml` as a JSON string literal (JSON Feed). */
  contentJson: string;
  /**
   * UTF-8 bytes beyond the UTF-16 length (`utf8Extra`) of the fields each format writes,
   * whatever their escaping: `common` = title, url, id, summary, section, authors and content
   * (all RSS writes); `atom` adds the section slug; `json` adds kicker, subtitle, column,
   * slug and the section again (`_quzhou`). The byte cap adds these to fragment lengths.
   */
  extraBytes: { common: number; atom: number; json: number };
  /** Retracted: Atom writes a tombstone, RSS and JSON Feed omit the item. */
  retracted: boolean;
  /** When the retraction happened (RFC 3339, +08:00), for `at:deleted-entry when=`. */
  deletedAt?: string;
  /** The single-line fields escaped once for RSS and Atom (`escapeXmlField`). */
  xml: {
    id: string;
    url: string;
    title: string;
    summary: string;
    section: string;
    sectionSlug: string;
    /** Empty when the article names nobody. */
    authors: string[];
  };
  /** Epoch seconds of the item's last change (`deletedAt` or `updated`), for feed dates. */
  changedSeconds: number;
  /** The article's photos (shared/feeds/feed-photos.ts); absent when it has none. */
  photos?: FeedPhoto[];
}

/** An article where it stands in an issue: what one feed item is made from. */
export interface ArticleEntry {
  issue: PublishedIssue;
  page: PublishedPage;
  article: PublishedArticle;
}
