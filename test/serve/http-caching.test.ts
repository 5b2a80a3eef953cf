import { describe, expect, it } from 'vitest';
import {
  cacheControlFor,
  isNotModified,
  lastModifiedOf,
  representationEtag,
} from '../../shared/serve/http-caching.ts';
import { prefersJson } from '../../shared/serve/negotiate.ts';

describe('representationEtag', () => {
  it('is strong, stable, and differs per representation and per stored version', () => {
    const html = representationEtag('"abc"', 'html', '1');
    expect(html).toMatch(/^"[^"]+"$/);
    expect(representationEtag('"abc"', 'html', '1')).toBe(html);
    expect(representationEtag('"abc"', 'json', '1')).not.toBe(html);
    expect(representationEtag('"abd"', 'html', '1')).not.toBe(html);
    expect(representationEtag('"abc"', 'html', '2')).not.toBe(html);
  });
});

describe('isNotModified', () => {
  const etag = '"xyz"';
  const lastModified = new Date('2024-11-29T21:00:00Z');
  const check = (headers: Record<string, string>) => isNotModified(new Headers(headers), etag, lastModified);

  it('matches If-None-Match lists, weak tags and *', () => {
    expect(check({ 'if-none-match': '"a", "xyz"' })).toBe(true);
    expect(check({ 'if-none-match': 'W/"xyz"' })).toBe(true);
    expect(check({ 'if-none-match': '*' })).toBe(true);
    expect(check({ 'if-none-match': '"xy"' })).toBe(false);
  });

  it('compares If-Modified-Since at second granularity and ignores invalid dates', () => {
    expect(check({ 'if-modified-since': 'Fri, 29 Nov 2024 21:00:00 GMT' })).toBe(true);
    expect(check({ 'if-modified-since': 'Fri, 29 Nov 2024 20:59:59 GMT' })).toBe(false);
    expect(check({ 'if-modified-since': 'yesterday' })).toBe(false);
    expect(check({})).toBe(false);
  });
});

describe('lastModifiedOf', () => {
  it('drops milliseconds and clamps future times to now', () => {
    const now = new Date('2024-12-01T00:00:00.900Z');
    expect(lastModifiedOf('2024-11-30T05:00:00.750+08:00', undefined, now).toISOString()).toBe(
      '2024-11-29T21:00:00.000Z',
    );
    expect(lastModifiedOf('2024-12-02T05:00:00+08:00', undefined, now).toISOString()).toBe(
      '2024-12-01T00:00:00.000Z',
    );
  });
});

describe('cacheControlFor', () => {
  it('keeps today and future issues short-lived and older ones long-lived, in Beijing time', () => {
    const lateEvening = new Date('2024-11-30T16:30:00Z'); // 00:30 on 1 December in Beijing
    expect(cacheControlFor('2024-12-01', lateEvening)).toBe('public, max-age=300');
    expect(cacheControlFor('2024-12-02', lateEvening)).toBe('public, max-age=300');
    expect(cacheControlFor('2024-11-30', lateEvening)).toMatch(/^public, max-age=86400/);
  });
});

describe('prefersJson', () => {
  it.each([
    [null, false],
    ['', false],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', false],
    ['application/json', true],
    ['application/json, */*', true],
    ['application/json;q=0.5, text/html', false],
    ['text/html;q=0.5, application/json', true],
    ['application/*', true],
    ['*/*', false],
    ['application/json;q=0', false],
  ])('Accept %j → JSON %s', (accept, expected) => {
    expect(prefersJson(accept)).toBe(expected);
  });
});
