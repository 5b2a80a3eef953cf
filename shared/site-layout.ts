/**
 * Keys of the site store (the output bucket / `<data>/site/`). The same paths are the public URL
 * map behind CloudFront and `npm start`. Nothing here may start with `incoming/`: that prefix is
 * the input the build function is triggered by (tested in test/site-layout.test.ts).
 *
 *   articles/<date>/<id>.json                 article record (permalink function reads it)
 *   issues/<date>.json                        the issue as published (table of contents, feeds' input)
 *   issues/latest.json                        copy of the newest issue (home page, one read)
 *   feeds/<slug>/{rss.xml,atom.xml,feed.json} subscription documents; slug `all` = every section
 *   feeds/<slug>/archive/<date>/{rss.xml,atom.xml,feed.json}   RFC 5005 archive, one per issue date
 *   feeds.opml                                every feed, Chinese titles
 *   reports/<upload key>.json                 report of a rejected upload
 *   media/<digest>/<file>                     photo renditions and page facsimiles, content-addressed
 */

export const inputPrefix = 'incoming/';
export const allSectionsSlug = 'all';

export type FeedFormat = 'rss' | 'atom' | 'json';

export const feedFileNames: Record<FeedFormat, string> = {
  rss: 'rss.xml',
  atom: 'atom.xml',
  json: 'feed.json',
};

export const feedContentTypes: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

export const articleKey = (date: string, id: string) => `articles/${date}/${id}.json`;
export const issueKey = (date: string) => `issues/${date}.json`;
export const latestIssueKey = 'issues/latest.json';
export const feedKey = (slug: string, format: FeedFormat) => `feeds/${slug}/${feedFileNames[format]}`;
export const archiveKey = (slug: string, date: string, format: FeedFormat) =>
  `feeds/${slug}/archive/${date}/${feedFileNames[format]}`;
export const opmlKey = 'feeds.opml';
export const reportKey = (uploadKey: string) => `reports/${uploadKey}.json`;

export const mediaPrefix = 'media/';
/**
 * A media object named by the sha256 of its own bytes (`digest`: lowercase hex prefix), e.g.
 * `media/3f9a…/1200.jpg`: the same bytes always get the same key, so a key never changes content.
 */
export const mediaKey = (digest: string, fileName: string) => `${mediaPrefix}${digest}/${fileName}`;
/** Content-addressed keys never change content: caches may keep them a year without revalidating. */
export const mediaCacheControl = 'public, max-age=31536000, immutable';

/** Public URLs (absolute), from the configured site URL. */
export const articleUrl = (siteUrl: string, date: string, id: string) => `${siteUrl}/articles/${date}/${id}`;
export const issueUrl = (siteUrl: string, date: string) => `${siteUrl}/articles/${date}/`;
export const siteFileUrl = (siteUrl: string, key: string) => `${siteUrl}/${key}`;
