/**
 * What subscription documents tell pollers (docs/feeds.md, "Polling"). The paper appears once a
 * day at its publication time, but corrections and retractions can come at any hour, so:
 *
 * - RSS `<ttl>` 60: a reader that honours it looks at most hourly — a correction shows within the
 *   hour, and with conditional GET (ETag, Last-Modified) an unchanged feed costs a 304.
 * - `sy:updatePeriod` daily, `sy:updateFrequency` 1, `sy:updateBase` the publication time in
 *   Beijing time: readers that schedule by the syndication module poll around the new issue.
 *
 * Archives carry neither: they are RFC 5005 archive documents, fetched once.
 */

const rssTtlMinutes = 60;

export const syndicationNamespace = 'http://purl.org/rss/1.0/modules/syndication/';

/** Hints of a subscription document. */
export interface PollingHints {
  ttlMinutes: number;
  updatePeriod: 'daily';
  updateFrequency: 1;
  /** W3C date-time with the Beijing offset: the phase of the daily schedule. */
  updateBase: string;
}

/** The hints for a paper published daily at `publicationTime` (HH:MM, Beijing time). */
export const pollingHints = (publicationTime: string): PollingHints => ({
  ttlMinutes: rssTtlMinutes,
  updatePeriod: 'daily',
  updateFrequency: 1,
  updateBase: `2000-01-01T${publicationTime}+08:00`,
});
