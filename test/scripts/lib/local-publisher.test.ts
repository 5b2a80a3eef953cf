import { describe, expect, it } from 'vitest';
import { startBanner } from '../../../scripts/lib/local-publisher.ts';

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
