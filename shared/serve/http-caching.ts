import { createHash } from 'node:crypto';
import { beijingDate } from '../pages/beijing-time.ts';

/**
 * HTTP validators and freshness for permalink responses.
 *
 * ETag: strong, derived from the stored object's ETag, the representation (html/json), the page
 * renderer version and a fingerprint of the site config — the stored record alone does not fix
 * the HTML bytes. Last-Modified: the content time from the record (`article.updated`,
 * `issue.updated`), not the store's write time, because republishing unchanged content rewrites
 * the object without changing what a reader sees. A future time (an issue uploaded the evening
 * before its date) is clamped to now, as RFC 9110 §8.8.2.1 asks.
 */

/** Strong ETag of a representation. */
export const representationEtag = (storeEtag: string, ...parts: string[]) =>
  `"${createHash('sha256')
    .update([storeEtag, ...parts].join('\u0000'))
    .digest('base64url')
    .slice(0, 27)}"`;

/** The Last-Modified instant: content time, whole seconds, never after `now`. */
export const lastModifiedOf = (contentTime: string | undefined, fallback: Date | undefined, now: Date) => {
  const parsed = contentTime === undefined ? Number.NaN : new Date(contentTime).getTime();
  const base = Number.isNaN(parsed) ? (fallback?.getTime() ?? now.getTime()) : parsed;
  const clamped = Math.min(base, now.getTime());
  return new Date(Math.floor(clamped / 1000) * 1000);
};

const opaqueTag = (tag: string) => tag.trim().replace(/^W\//, '');

/**
 * Whether a conditional GET/HEAD may answer 304 (RFC 9110 §13.1.2, §13.1.3): If-None-Match
 * (weak comparison) wins when present; otherwise If-Modified-Since compared at second granularity.
 */
export const isNotModified = (headers: Headers, etag: string, lastModified: Date) => {
  const ifNoneMatch = headers.get('if-none-match');
  if (ifNoneMatch !== null) {
    if (ifNoneMatch.trim() === '*') return true;
    const wanted = opaqueTag(etag);
    return ifNoneMatch.split(',').some((tag) => opaqueTag(tag) === wanted);
  }
  const ifModifiedSince = headers.get('if-modified-since');
  if (ifModifiedSince === null) return false;
  const since = Date.parse(ifModifiedSince);
  if (Number.isNaN(since)) return false;
  return Math.floor(lastModified.getTime() / 1000) <= Math.floor(since / 1000);
};

/** Seconds an answer about today's (or a future) issue stays fresh: corrections still arrive. */
const shortMaxAge = 300;
/**
 * Seconds an older issue's answer stays fresh: long enough that crawlers and readers revalidate
 * rarely, short enough that a retraction (410) reaches every cache within a day without
 * invalidations.
 */
export const longMaxAge = 86_400;

/** Cache-Control for content of an issue date, given "now" (today is taken in Beijing time). */
export const cacheControlFor = (issueDate: string, now: Date) =>
  issueDate >= beijingDate(now)
    ? `public, max-age=${shortMaxAge}`
    : `public, max-age=${longMaxAge}, stale-if-error=${longMaxAge}`;

/** Cache-Control of answers that may change at any moment (home, not-yet-published). */
export const shortCacheControl = `public, max-age=${shortMaxAge}`;

/** An HTTP-date (IMF-fixdate). */
export const httpDate = (date: Date) => date.toUTCString();
