import { describe, expect, it } from 'vitest';
import {
  type CalendarDoc,
  clearDeparted,
  setCalendarDate,
  setCalendarDateTracked,
  withMediaDate,
} from '../../shared/publish/site-state.ts';

const calendar: CalendarDoc = {
  schemaVersion: 1,
  year: '2024',
  dates: { '2024-11-29': ['yaowen'] },
  media: ['2024-11-30'],
};

describe('year calendars and media dates', () => {
  it('lists a date with pictures once, in date order, creating the calendar if need be', () => {
    const created = withMediaDate(undefined, '2025-01-02');
    expect(created).toEqual({ schemaVersion: 1, year: '2025', dates: {}, media: ['2025-01-02'] });
    expect(withMediaDate(calendar, '2024-11-28')?.media).toEqual(['2024-11-28', '2024-11-30']);
    expect(withMediaDate(calendar, '2024-11-30')).toBeUndefined();
  });

  it('keeps the media dates when a publish records or removes sections', () => {
    expect(setCalendarDate(calendar, '2024-11-30', ['zonghe']).media).toEqual(['2024-11-30']);
    const tracked = setCalendarDateTracked(calendar, '2024-11-29', []);
    expect(tracked).toEqual({
      schemaVersion: 1,
      year: '2024',
      dates: {},
      departed: { '2024-11-29': ['yaowen'] },
      media: ['2024-11-30'],
    });
    expect(clearDeparted(tracked, '2024-11-29', ['yaowen'])).toEqual({
      schemaVersion: 1,
      year: '2024',
      dates: {},
      media: ['2024-11-30'],
    });
  });
});
