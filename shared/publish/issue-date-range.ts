import type { SiteConfig } from '../config.ts';
import { InvalidUploadError } from '../errors.ts';
import { beijingDate } from '../pages/beijing-time.ts';

/**
 * The issue dates an upload may carry (docs/upload-contract.md, "Issue dates"): from the paper's
 * first issue (`firstIssueDate`) to `maxDaysAhead` days after the build's own date in Beijing.
 * An issue dated 9999-12-31 would otherwise become the home page's 最新一期 and stay there after
 * real issues arrive; one dated 0202 (a typo'd year) would open a calendar eighteen centuries long.
 */

/** `date` plus `days` calendar days (YYYY-MM-DD; UTC arithmetic, so no time zone shifts it). */
const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * @throws InvalidUploadError `date-out-of-range` when the date is outside the accepted range
 */
export const checkIssueDate = (
  date: string,
  now: Date,
  config: Pick<SiteConfig, 'maxDaysAhead' | 'firstIssueDate'>,
): void => {
  const location = { field: 'date' };
  if (date < config.firstIssueDate) {
    throw new InvalidUploadError(
      'date-out-of-range',
      `the issue is dated ${date}, before the paper's first issue (${config.firstIssueDate}, setting firstIssueDate)`,
      { location },
    );
  }
  const today = beijingDate(now);
  const latest = addDays(today, config.maxDaysAhead);
  if (date > latest) {
    throw new InvalidUploadError(
      'date-out-of-range',
      `the issue is dated ${date}, more than ${config.maxDaysAhead} days after today (${today}, Beijing time): ` +
        `the latest date accepted now is ${latest} (setting maxDaysAhead)`,
      { location },
    );
  }
};

/** {@link checkIssueDate}'s refusal as a value (the bulk import reports it instead of throwing). */
export const dateRangeError = (
  date: string,
  now: Date,
  config: Pick<SiteConfig, 'maxDaysAhead' | 'firstIssueDate'>,
): InvalidUploadError | undefined => {
  try {
    checkIssueDate(date, now, config);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidUploadError) return error;
    throw error;
  }
};
