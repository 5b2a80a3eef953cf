/**
 * Feed timestamps, formatted from the ISO strings publishing stored, never from a clock:
 * the same input must give the same bytes. Everything is written in Beijing time with an
 * explicit offset — RFC 822 `+0800` for RSS, RFC 3339 `+08:00` for Atom and JSON Feed —
 * because `GMT` for a Beijing wall-clock time puts items 8 hours off and `CST` is read as
 * UTC−6 by most parsers. No `Date` object is involved: the civil-calendar arithmetic below
 * is exact, and a `Date` object would invite the build clock into the output.
 */

const isoPattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Beijing time is UTC+8 all year (no daylight saving since 1991). */
const beijingOffsetSeconds = 8 * 3600;

const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
const daysFromCivil = (year: number, month: number, day: number): number => {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
};

/** Inverse of `daysFromCivil`. */
const civilFromDays = (days: number): [year: number, month: number, day: number] => {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
};

/** A wall-clock time in Beijing plus the instant it denotes. */
export interface BeijingTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday. */
  weekday: number;
  /** Seconds since the Unix epoch (fractions dropped). */
  epochSeconds: number;
}

/**
 * Parse an RFC 3339 timestamp (any offset) into Beijing wall-clock time.
 * Throws `RangeError` on anything else: publishing stores valid times, so a bad one is a bug
 * upstream and must not be rendered as `Invalid Date` (feed 6.0.0 did exactly that).
 */
export const toBeijingTime = (iso: string): BeijingTime => fastBeijingTime(iso) ?? parseBeijingTime(iso);

const digit = (s: string, i: number) => {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : Number.NaN;
};
const digits2 = (s: string, i: number) => digit(s, i) * 10 + digit(s, i + 1);
const daysInMonth = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/**
 * What publishing stores: `YYYY-MM-DDTHH:MM:SS+08:00`, already Beijing wall-clock time, read
 * without a regular expression (feeds format every item's times on every build).
 */
const fastBeijingTime = (iso: string): BeijingTime | undefined => {
  if (iso.length !== 25 || !iso.endsWith('+08:00') || iso[4] !== '-' || iso[7] !== '-' || iso[10] !== 'T') {
    return undefined;
  }
  if (iso[13] !== ':' || iso[16] !== ':') return undefined;
  const year = digits2(iso, 0) * 100 + digits2(iso, 2);
  const month = digits2(iso, 5);
  const day = digits2(iso, 8);
  const hour = digits2(iso, 11);
  const minute = digits2(iso, 14);
  const second = digits2(iso, 17);
  if (Number.isNaN(year + month + day + hour + minute + second)) return undefined;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays = month === 2 && leap ? 29 : daysInMonth[month - 1];
  if (monthDays === undefined || day < 1 || day > monthDays || hour > 23 || minute > 59 || second > 59) {
    throw new RangeError(`not a valid date and time: ${JSON.stringify(iso)}`);
  }
  const days = daysFromCivil(year, month, day);
  return {
    year,
    month,
    day,
    hour,
    minute,
    second,
    weekday: (((days + 4) % 7) + 7) % 7,
    epochSeconds: days * 86400 + hour * 3600 + minute * 60 + second - beijingOffsetSeconds,
  };
};

const parseBeijingTime = (iso: string): BeijingTime => {
  const match = isoPattern.exec(iso);
  if (!match) throw new RangeError(`not an RFC 3339 timestamp: ${JSON.stringify(iso)}`);
  const [, y, mo, d, h, mi, s, zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const days = daysFromCivil(year, month, day);
  const [cy, cm, cd] = civilFromDays(days);
  if (cy !== year || cm !== month || cd !== day || hour > 23 || minute > 59 || second > 59) {
    throw new RangeError(`not a valid date and time: ${JSON.stringify(iso)}`);
  }
  let offset = 0;
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    offset = sign * (Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(4, 6)) * 60);
  }
  const epochSeconds = days * 86400 + hour * 3600 + minute * 60 + second - offset;
  const local = epochSeconds + beijingOffsetSeconds;
  const localDays = Math.floor(local / 86400);
  const secondOfDay = local - localDays * 86400;
  const [ly, lm, ld] = civilFromDays(localDays);
  return {
    year: ly,
    month: lm,
    day: ld,
    hour: Math.floor(secondOfDay / 3600),
    minute: Math.floor((secondOfDay % 3600) / 60),
    second: secondOfDay % 60,
    // 1970-01-01 was a Thursday.
    weekday: (((localDays + 4) % 7) + 7) % 7,
    epochSeconds,
  };
};

/** Seconds since the epoch of an RFC 3339 timestamp (for ordering and "newest"). */
export const epochSecondsOf = (iso: string): number => toBeijingTime(iso).epochSeconds;

const pad4 = (n: number) => String(n).padStart(4, '0');

/** A parsed time as RFC 3339 in Beijing time: `2024-11-30T05:00:00+08:00` (Atom, JSON Feed). */
export const rfc3339Of = (t: BeijingTime): string =>
  `${pad4(t.year)}-${pad2(t.month)}-${pad2(t.day)}T${pad2(t.hour)}:${pad2(t.minute)}:${pad2(t.second)}+08:00`;

/** A parsed time as RFC 822 (four-digit year, per the RSS profile): `Sat, 30 Nov 2024 05:00:00 +0800`. */
export const rfc822Of = (t: BeijingTime): string =>
  `${weekdays[t.weekday]}, ${pad2(t.day)} ${months[t.month - 1]} ${pad4(t.year)} ${pad2(t.hour)}:${pad2(t.minute)}:${pad2(t.second)} +0800`;

/** RFC 3339 in Beijing time of any RFC 3339 timestamp. */
export const formatRfc3339 = (iso: string): string => rfc3339Of(toBeijingTime(iso));

/** RFC 822 with `+0800` of any RFC 3339 timestamp. */
export const formatRfc822 = (iso: string): string => rfc822Of(toBeijingTime(iso));

/** The latest of some RFC 3339 timestamps (by instant), or undefined for none. */
export const latestTime = (times: Iterable<string>): string | undefined => {
  let best: string | undefined;
  let bestSeconds = Number.NEGATIVE_INFINITY;
  for (const time of times) {
    const seconds = epochSecondsOf(time);
    if (seconds > bestSeconds) {
      best = time;
      bestSeconds = seconds;
    }
  }
  return best;
};
