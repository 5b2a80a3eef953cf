import { describe, expect, it } from 'vitest';
import {
  epochSecondsOf,
  formatRfc822,
  formatRfc3339,
  latestTime,
  toBeijingTime,
} from '../../shared/feeds/feed-time.ts';

describe('feed times', () => {
  it('formats a Beijing time as RFC 822 with +0800 and the right weekday', () => {
    expect(formatRfc822('2024-11-30T05:00:00+08:00')).toBe('Sat, 30 Nov 2024 05:00:00 +0800');
    expect(formatRfc822('2024-02-29T23:59:59+08:00')).toBe('Thu, 29 Feb 2024 23:59:59 +0800');
    expect(formatRfc822('2000-01-01T00:00:00+08:00')).toBe('Sat, 01 Jan 2000 00:00:00 +0800');
  });

  it('converts other offsets to Beijing time across a date line', () => {
    expect(formatRfc3339('2024-11-29T21:00:00Z')).toBe('2024-11-30T05:00:00+08:00');
    expect(formatRfc3339('2024-12-31T20:30:00-05:00')).toBe('2025-01-01T09:30:00+08:00');
    expect(formatRfc822('2024-12-31T16:00:00Z')).toBe('Wed, 01 Jan 2025 00:00:00 +0800');
    expect(formatRfc3339('2024-11-30T05:00:00.999+08:00')).toBe('2024-11-30T05:00:00+08:00');
  });

  it('agrees with the platform clock arithmetic for many instants', () => {
    for (let seconds = 0; seconds < 4e9; seconds += 7_654_321) {
      const iso = new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
      const t = toBeijingTime(iso);
      expect(t.epochSeconds).toBe(seconds);
      const local = new Date((seconds + 8 * 3600) * 1000);
      expect([t.year, t.month, t.day, t.hour, t.weekday]).toEqual([
        local.getUTCFullYear(),
        local.getUTCMonth() + 1,
        local.getUTCDate(),
        local.getUTCHours(),
        local.getUTCDay(),
      ]);
    }
  });

  it('rejects what is not an RFC 3339 timestamp instead of writing Invalid Date', () => {
    for (const bad of [
      '2024-11-30',
      '2024-02-30T05:00:00+08:00',
      '2024-11-30 05:00:00+08:00',
      'Invalid Date',
    ]) {
      expect(() => formatRfc822(bad), bad).toThrow(RangeError);
    }
  });

  it('picks the latest instant, not the largest string', () => {
    expect(latestTime(['2024-11-30T05:00:00+08:00', '2024-11-29T22:00:00Z'])).toBe('2024-11-29T22:00:00Z');
    expect(latestTime([])).toBeUndefined();
    expect(epochSecondsOf('1970-01-01T08:00:00+08:00')).toBe(0);
  });
});
