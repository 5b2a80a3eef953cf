import { describe, expect, it } from 'vitest';
import {
  describeUpload,
  formatLocation,
  publishLines,
  startBanner,
} from '../../../scripts/lib/upload-report.ts';

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
    const report = { ok: true, date: '2024-11-30', articles: 1, warnings: ['版名 宗和 shares'] };
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

describe('startBanner', () => {
  it('names the home page, the OPML, the all-sections feed and each section feed once', () => {
    const lines = startBanner('http://127.0.0.1:8080', '/data/incoming', undefined, [
      { section: '要闻', sectionSlug: 'yaowen' },
      { section: '综合', sectionSlug: 'zonghe' },
      { section: '要闻', sectionSlug: 'yaowen' },
    ]).join('\n');
    expect(lines).toContain('http://127.0.0.1:8080/feeds.opml');
    expect(lines).toContain('http://127.0.0.1:8080/feeds/all/rss.xml');
    expect(lines).toContain('/data/incoming/<YYYY-MM-DD>/<NN>.txt');
    expect(lines.match(/feeds\/yaowen\/rss\.xml/g)).toHaveLength(1);
    expect(lines).toContain('综合  http://127.0.0.1:8080/feeds/zonghe/rss.xml');
    expect(lines).toContain('Ctrl-C');
    expect(lines).not.toContain('S3 endpoint');
  });

  it('shows the S3 endpoint with a ready-to-paste upload command when enabled', () => {
    const lines = startBanner(
      'http://127.0.0.1:8080',
      '/d/incoming',
      { endpoint: 'http://127.0.0.1:4568', bucket: 'ingest' },
      [],
    );
    expect(lines.join('\n')).toContain(
      'aws s3 cp page.txt s3://ingest/incoming/2024-11-30/02.txt --endpoint-url http://127.0.0.1:4568',
    );
  });
});

describe('publishLines', () => {
  const where = { siteUrl: 'https://news.example.cn', reportPath: 'data/site/reports/incoming/02.txt.json' };
  const published = {
    status: 'published' as const,
    key: 'incoming/02.txt',
    date: '2024-11-30',
    written: ['articles/2024-11-30/p2-a.json', 'feeds/zonghe/rss.xml', 'feeds/all/atom.xml', 'feeds.opml'],
    report: {
      key: 'incoming/02.txt',
      ok: true as const,
      date: '2024-11-30',
      pages: [2],
      articles: 3,
      at: '2024-12-01T10:00:00+08:00',
    },
  };

  it('names the issue and the RSS address of every feed the upload changed', () => {
    expect(publishLines(published, where)).toEqual([
      '✓ incoming/02.txt → 2024-11-30: pages 2, 3 articles; 4 objects written',
      '  https://news.example.cn/feeds/all/rss.xml',
      '  https://news.example.cn/feeds/zonghe/rss.xml',
    ]);
  });

  it('names no feed when nothing changed', () => {
    expect(publishLines({ ...published, status: 'unchanged', written: [] }, where)).toEqual([
      '✓ incoming/02.txt → 2024-11-30: pages 2, 3 articles; nothing changed',
    ]);
  });

  it('says why an upload was rejected and where its report is', () => {
    const report = {
      key: 'incoming/02.txt',
      ok: false as const,
      code: 'empty' as const,
      message: 'the upload is empty',
      at: '2024-12-01T10:00:00+08:00',
    };
    expect(publishLines({ status: 'rejected', key: 'incoming/02.txt', written: [], report }, where)).toEqual([
      '✗ incoming/02.txt: rejected (empty) the upload is empty',
      '  report: data/site/reports/incoming/02.txt.json',
    ]);
  });
});
