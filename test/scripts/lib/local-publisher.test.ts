import { describe, expect, it } from 'vitest';
import { appendBounded, startBanner } from '../../../scripts/lib/local-publisher.ts';

describe('appendBounded', () => {
  it('keeps about the latest entries of a request log that would otherwise grow forever', () => {
    const log: number[] = [];
    for (let i = 0; i < 30_000; i += 1) appendBounded(log, i, 1000);
    expect(log.length).toBeGreaterThanOrEqual(1000);
    expect(log.length).toBeLessThanOrEqual(1100);
    expect(log.at(-1)).toBe(29_999);
    expect(log[0]).toBe(30_000 - log.length);
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
