import { describe, expect, it } from 'vitest';
import { type RejectedReport, rejectionNotice } from '../../shared/publish/rejection-notice.ts';

const report = (overrides: Partial<RejectedReport> = {}): RejectedReport => ({
  key: 'incoming/2024-11-30/02-综合.xml',
  ok: false,
  code: 'malformed-xml',
  message: 'unclosed tag <article> at line 14',
  location: { line: 14, column: 3 },
  at: '2024-11-30T04:12:09+08:00',
  ...overrides,
});

describe('rejectionNotice', () => {
  it('names the key, the code, the location and the report in the body', () => {
    const { body } = rejectionNotice(report());
    expect(body).toContain('Upload key: incoming/2024-11-30/02-综合.xml');
    expect(body).toContain('Error code: malformed-xml');
    expect(body).toContain('Message:    unclosed tag <article> at line 14');
    expect(body).toContain('Location:   line 14, column 3');
    expect(body).toContain('Report:     reports/incoming/2024-11-30/02-综合.xml.json');
  });

  it('leaves the location out when the report has none', () => {
    expect(rejectionNotice(report({ location: undefined, code: 'empty' })).body).not.toContain('Location');
  });

  it('keeps the subject to what SNS accepts: printable ASCII under 100 characters', () => {
    const long = report({ key: `incoming/2024-11-30/${'衢州日报'.repeat(40)}.txt`, code: 'too-large' });
    for (const { subject } of [rejectionNotice(report()), rejectionNotice(long)]) {
      expect(subject).toMatch(/^[\x20-\x7e]{1,99}$/);
      expect(subject.startsWith('Upload rejected (')).toBe(true);
    }
    expect(rejectionNotice(report()).subject).toBe(
      'Upload rejected (malformed-xml): incoming/2024-11-30/02-??.xml',
    );
  });
});
