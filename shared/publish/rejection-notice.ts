import type { ErrorLocation } from '../errors.ts';
import { reportKey } from '../site-layout.ts';
import type { UploadReport } from './publish-upload.ts';

/**
 * Telling the desk that a page was refused. The report in `reports/` is the record, but nobody
 * reads it unprompted: a page that never appeared must be noticed the same morning, so the build
 * function sends this notice through a {@link DeskNotifier} (an SNS topic in production).
 */

/** The report of a refused upload. */
export type RejectedReport = Extract<UploadReport, { ok: false }>;

/** A short subject line (SNS: ASCII, no line breaks, under 100 characters) and a plain-text body. */
export interface RejectionNotice {
  subject: string;
  body: string;
}

/** The port: deliver one notice. Throws when it could not (the event is then retried). */
export interface DeskNotifier {
  notify(notice: RejectionNotice): Promise<void>;
}

const subjectLimit = 99;

const describeLocation = (location: ErrorLocation | undefined): string | undefined => {
  if (location === undefined) return undefined;
  const parts = [
    location.line === undefined ? undefined : `line ${location.line}`,
    location.column === undefined ? undefined : `column ${location.column}`,
    location.field === undefined ? undefined : `field ${location.field}`,
    location.offset === undefined ? undefined : `byte offset ${location.offset}`,
  ].filter((part) => part !== undefined);
  return parts.length === 0 ? undefined : parts.join(', ');
};

/**
 * The notice for a refused upload: the key, the error code, where in the upload, what to do.
 * Keys are often Chinese (`incoming/2024-11-30/02-综合.txt`), which an SNS subject cannot carry:
 * the subject keeps the code and the key's ASCII characters, the body the key as uploaded.
 */
export const rejectionNotice = (report: RejectedReport): RejectionNotice => {
  const asciiKey = report.key.replace(/[^\x20-\x7e]/g, '?');
  const subject = `Upload rejected (${report.code}): ${asciiKey}`.slice(0, subjectLimit);
  const where = describeLocation(report.location);
  const body = [
    '一个上传的版面未能发布 / An uploaded page was NOT published.',
    '',
    `Upload key: ${report.key}`,
    `Error code: ${report.code}`,
    `Message:    ${report.message}`,
    ...(where === undefined ? [] : [`Location:   ${where}`]),
    `Checked at: ${report.at}`,
    `Report:     ${reportKey(report.key)} (site bucket)`,
    '',
    'Nothing already published changed. Fix the file and upload it again under the same key;',
    'the page is published as soon as the new upload is accepted.',
  ].join('\n');
  return { subject, body };
};
