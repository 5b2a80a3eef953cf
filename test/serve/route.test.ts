import { describe, expect, it } from 'vitest';
import { isCalendarDate, parseRoute } from '../../shared/serve/route.ts';

describe('parseRoute', () => {
  it('recognises the home page, an issue and an article in both representations', () => {
    expect(parseRoute('/')).toEqual({ kind: 'home' });
    expect(parseRoute('/articles/2024-11-30/')).toEqual({ kind: 'issue', date: '2024-11-30' });
    expect(parseRoute('/articles/2024-11-30/p1-3f2a9c1b')).toEqual({
      kind: 'article',
      date: '2024-11-30',
      id: 'p1-3f2a9c1b',
      jsonSuffix: false,
    });
    expect(parseRoute('/articles/2024-11-30/p1-3f2a9c1b.json')).toMatchObject({
      kind: 'article',
      jsonSuffix: true,
    });
  });

  it('redirects equivalent spellings to paths rebuilt from validated parts', () => {
    expect(parseRoute('/articles/2024-11-30/P1-3F2A9C1B/')).toEqual({
      kind: 'redirect',
      path: '/articles/2024-11-30/p1-3f2a9c1b',
    });
    expect(parseRoute('/articles/2024-11-30/%70%31-abc')).toEqual({
      kind: 'redirect',
      path: '/articles/2024-11-30/p1-abc',
    });
  });

  it.each([
    ['dot-dot', '/articles/../issues/latest.json'],
    ['encoded dot-dot', '/articles/%2e%2e/issues'],
    ['mixed-case encoded dot-dot', '/articles/%2E%2e/issues'],
    ['half-encoded dot-dot', '/articles/.%2e/issues'],
    ['encoded slash', '/articles/2024-11-30%2fp1-abc'],
    ['double encoding', '/articles/2024-11-30/%252e%252e'],
    ['backslash', '/articles\\2024-11-30\\p1-abc'],
    ['encoded backslash', '/articles/2024-11-30/%5cp1'],
    ['encoded NUL', '/articles/2024-11-30/p1%00'],
    ['raw NUL', '/articles/2024-11-30/p1\u0000'],
    ['raw space', '/articles/2024-11-30/p1 abc'],
    ['non-ASCII byte', '/articles/2024-11-30/p1\u00e9'],
    ['empty segment', '/articles//p1-abc'],
    ['single dot', '/articles/./2024-11-30/'],
    ['overlong segment', `/articles/2024-11-30/${'%61'.repeat(70)}`],
    ['overlong path', `/${'a/'.repeat(300)}`],
    ['bad percent', '/articles/2024-11-30/%G1'],
    ['truncated UTF-8', '/articles/2024-11-30/%e6%96'],
    ['invalid date', '/articles/2023-02-29/p1-abc'],
    ['short date', '/articles/24-11-30/'],
    ['bad id', '/articles/2024-11-30/p1.abc'],
  ])('rejects %s before any key is formed', (_name, path) => {
    expect(parseRoute(path).kind).toBe('bad-request');
  });

  it('does not treat unknown top-level paths as malformed', () => {
    expect(parseRoute('/robots.txt')).toEqual({ kind: 'not-found' });
  });
});

describe('isCalendarDate', () => {
  it('accepts real dates only', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2023-02-29')).toBe(false);
    expect(isCalendarDate('2024-13-01')).toBe(false);
    expect(isCalendarDate('2024-11-30x')).toBe(false);
  });
});
