import { describe, expect, it } from 'vitest';
import { describeUpload, formatLocation, toUploadReport } from '../../../scripts/lib/upload-report.ts';

describe('toUploadReport', () => {
  it('keeps the known fields and counts an articles list', () => {
    expect(
      toUploadReport({
        ok: true,
        date: '2024-11-30',
        articles: [{ id: 'p1-a' }, { id: 'p1-b' }],
        at: '2024-11-30T05:00:00+08:00',
        extra: 1,
      }),
    ).toEqual({ ok: true, date: '2024-11-30', articles: 2, at: '2024-11-30T05:00:00+08:00' });
  });

  it.each([null, 'text', 3, [1]])('rejects %j', (value) => {
    expect(toUploadReport(value)).toBeUndefined();
  });
});

describe('formatLocation', () => {
  it('names line and column, field and byte', () => {
    expect(formatLocation({ line: 3, column: 5 })).toBe('line 3, column 5');
    expect(formatLocation({ field: 'pages.0.title' })).toBe('field pages.0.title');
    expect(formatLocation({ offset: 12 })).toBe('byte 12');
    expect(formatLocation(undefined)).toBe('');
  });
});

describe('describeUpload', () => {
  it('says what a successful upload published', () => {
    expect(
      describeUpload({
        type: 'created',
        key: 'incoming/2024-11-30/02.txt',
        via: 'inbox',
        ok: true,
        report: { ok: true, date: '2024-11-30', articles: 5 },
        pages: [1, 2],
        issueArticles: 12,
        feedsTouched: ['all', 'yao-wen'],
      }),
    ).toBe(
      '✓ incoming/2024-11-30/02.txt → 2024-11-30; pages 1, 2; 5 articles from this upload; 12 in the issue; feeds updated: all, yao-wen',
    );
  });

  it('appends the warnings of a published upload', () => {
    const report = toUploadReport({
      ok: true,
      date: '2024-11-30',
      articles: 1,
      warnings: ['版名 宗和 shares', 3],
    });
    expect(report?.warnings).toEqual(['版名 宗和 shares']);
    expect(
      describeUpload({
        type: 'created',
        key: 'incoming/2024-11-30/02.txt',
        via: 'inbox',
        ok: true,
        report,
        feedsTouched: ['all'],
      }),
    ).toBe(
      '✓ incoming/2024-11-30/02.txt → 2024-11-30; 1 articles from this upload; feeds updated: all; ⚠ 版名 宗和 shares',
    );
  });

  it('prints the code, message and location of a rejected upload', () => {
    expect(
      describeUpload({
        type: 'created',
        key: 'incoming/2024-11-30/09.txt',
        via: 's3',
        ok: false,
        report: { ok: false, code: 'binary', message: 'not text', location: { offset: 0 } },
        feedsTouched: [],
      }),
    ).toBe('✗ incoming/2024-11-30/09.txt: binary: not text (byte 0) — feeds unchanged');
  });

  it('reports a build failure distinctly from a rejection', () => {
    expect(
      describeUpload({
        type: 'created',
        key: 'incoming/x.txt',
        via: 'inbox',
        ok: false,
        failure: 'disk full',
        feedsTouched: [],
      }),
    ).toBe('✗ incoming/x.txt: not published, the build failed: disk full');
  });

  it('describes a removal', () => {
    expect(
      describeUpload({
        type: 'removed',
        key: 'incoming/2024-11-30/02.txt',
        via: 'inbox',
        ok: true,
        report: { date: '2024-11-30' },
        feedsTouched: ['all'],
      }),
    ).toBe(
      '− incoming/2024-11-30/02.txt removed from 2024-11-30; its articles are retracted; feeds updated: all',
    );
  });
});
