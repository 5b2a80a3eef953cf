import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/clock.ts';
import { parseSiteConfig } from '../../shared/config.ts';
import { InvalidUploadError } from '../../shared/errors.ts';
import { checkIssueDate } from '../../shared/publish/issue-date-range.ts';
import { publishUpload } from '../../shared/publish/publish-upload.ts';
import { latestIssueKey, reportKey } from '../../shared/site-layout.ts';
import { fixture, makeDeps, snapshot, text, upload } from './publish-kit.ts';

const config = parseSiteConfig({ siteUrl: 'https://news.example.cn' });
const codeOf = (run: () => void) => {
  try {
    run();
    return 'accepted';
  } catch (error) {
    if (error instanceof InvalidUploadError) return error.code;
    throw error;
  }
};

describe('checkIssueDate', () => {
  // 2024-11-30T16:30Z is already 2024-12-01 00:30 in Beijing: "today" is the newsroom's date.
  const now = new Date('2024-11-30T16:30:00Z');

  it.each([
    ['2024-12-08', 'accepted'],
    ['2024-12-09', 'date-out-of-range'],
    ['9999-12-31', 'date-out-of-range'],
    ['2024-12-01', 'accepted'],
    ['1949-01-01', 'accepted'],
    ['1948-12-31', 'date-out-of-range'],
    ['0202-11-30', 'date-out-of-range'],
  ])('with the defaults, %s is %s', (date, expected) => {
    expect(codeOf(() => checkIssueDate(date, now, config))).toBe(expected);
  });

  it('takes both bounds from the config', () => {
    const strict = parseSiteConfig({
      siteUrl: config.siteUrl,
      maxDaysAhead: 0,
      firstIssueDate: '2000-01-01',
    });
    expect(codeOf(() => checkIssueDate('2024-12-01', now, strict))).toBe('accepted');
    expect(codeOf(() => checkIssueDate('2024-12-02', now, strict))).toBe('date-out-of-range');
    expect(codeOf(() => checkIssueDate('1999-12-31', now, strict))).toBe('date-out-of-range');
  });

  it('names the date, the limit and the setting in its message', () => {
    expect(() => checkIssueDate('9999-12-31', now, config)).toThrow(
      /9999-12-31, more than 7 days after today \(2024-12-01, Beijing time\).*2024-12-08 \(setting maxDaysAhead\)/,
    );
  });
});

describe('publishing an issue from the far future', () => {
  it('is rejected with a report and leaves the published site as it was', async () => {
    const deps = makeDeps({ clock: fixedClock('2024-12-01T02:00:00Z') });
    await upload(deps.input, 'incoming/2024-11-30/01.txt', fixture('01'));
    await publishUpload(deps, { type: 'created', key: 'incoming/2024-11-30/01.txt' });
    const before = await snapshot(deps.site);

    const future = text(fixture('01')).replace('2024年11月30日 星期六', '9999年12月31日 星期五');
    await upload(deps.input, 'incoming/front.txt', future);
    const outcome = await publishUpload(deps, { type: 'created', key: 'incoming/front.txt' });
    expect(outcome.status).toBe('rejected');
    expect(outcome.report).toMatchObject({
      ok: false,
      code: 'date-out-of-range',
      location: { field: 'date' },
    });
    expect(outcome.written).toEqual([reportKey('incoming/front.txt')]);
    const after = await snapshot(deps.site);
    delete after[reportKey('incoming/front.txt')];
    expect(after).toEqual(before);
    expect(JSON.parse(after[latestIssueKey]!.body).date).toBe('2024-11-30');
  });
});
