import { describe, expect, it } from 'vitest';
import { siteUrlFromHost } from '../../shared/serve/site-url-from-host.ts';

describe('siteUrlFromHost', () => {
  it('accepts host names with an optional port, lower-cased', () => {
    expect(siteUrlFromHost('D111.CloudFront.net')).toBe('https://d111.cloudfront.net');
    expect(siteUrlFromHost('news.example.cn:8443')).toBe('https://news.example.cn:8443');
  });

  it.each([
    undefined,
    null,
    '',
    'a b',
    'x.example/path',
    'x.example?q',
    'user@x.example',
    '"><script>',
    '-x.example',
    `${'a'.repeat(64)}.cn`,
  ])('refuses %j', (host) => {
    expect(siteUrlFromHost(host)).toBeUndefined();
  });
});
