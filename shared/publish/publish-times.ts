/**
 * Times of published articles. China has had no daylight saving since 1991, so Beijing time is a
 * fixed +08:00 and is written with that explicit offset (never `Z`, `GMT` or `CST`, which feed
 * readers misread by 8 or 14 hours).
 */

const beijingOffsetMs = 8 * 3600 * 1000;
const pad = (n: number) => String(n).padStart(2, '0');

/** An instant (ms since epoch) as `YYYY-MM-DDTHH:MM:SS+08:00`. */
export const formatBeijing = (epochMs: number): string => {
  const local = new Date(epochMs + beijingOffsetMs);
  return `${local.toISOString().slice(0, 10)}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}+08:00`;
};

/** The nominal publication instant of an issue: `<date>T<HH:MM>:00+08:00`. */
export const nominalPublicationMs = (date: string, publicationTime: string): number =>
  Date.parse(`${date}T${publicationTime}:00+08:00`);

/** The later of two `+08:00` timestamps (same format and offset, so they compare as strings). */
export const laterOf = (a: string, b: string) => (a >= b ? a : b);
