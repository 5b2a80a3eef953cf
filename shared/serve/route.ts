/**
 * Request path → route, validated before any storage key exists. Works on the raw (still
 * percent-encoded) path because WHATWG URL parsing would already have resolved `..` / `%2e%2e`
 * and turned `\` into `/`, hiding a traversal attempt instead of rejecting it.
 *
 * Rules, in order: printable ASCII URL characters only; no empty, `.` or `..` segment; each
 * segment decoded exactly once and then free of `/`, `\`, `%` (double encoding) and control
 * characters; bounded lengths; a real calendar date; an id matching the article id pattern.
 * A valid request spelled differently from its canonical path (upper case, encoded letters,
 * trailing slash, `index.html`) is redirected to it.
 */

/** What a request path asks for. */
export type Route =
  | { kind: 'home' }
  | { kind: 'issue'; date: string }
  | { kind: 'article'; date: string; id: string; jsonSuffix: boolean }
  | { kind: 'redirect'; path: string }
  | { kind: 'bad-request'; reason: string; date?: string }
  | { kind: 'not-found' };

/** Longest raw path accepted (414 would be apt, 400 keeps the answer set small). */
const maxPathLength = 512;
/** Longest raw segment: a 64-character id with `.json`, percent-encoded, fits comfortably. */
const maxSegmentLength = 200;

/** Characters allowed in a raw path: RFC 3986 `pchar` plus `/`. */
const rawPathPattern = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;
/** Not allowed in a decoded segment: separators, a second encoding layer, controls. */
const forbiddenDecoded = /[\u0000-\u001f\u007f-\u009f/\\%]/;
const articleIdPattern = /^[a-z0-9][a-z0-9-]{0,63}$/;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written YYYY-MM-DD. */
export const isCalendarDate = (value: string) => {
  const match = datePattern.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
};

/** True when the string is a valid article id. */
const isArticleId = (value: string) => articleIdPattern.test(value);

const bad = (reason: string, date?: string): Route =>
  date === undefined ? { kind: 'bad-request', reason } : { kind: 'bad-request', reason, date };

/** The canonical path of a serving route. */
const canonicalPath = (route: Route): string | undefined => {
  switch (route.kind) {
    case 'home':
      return '/';
    case 'issue':
      return `/articles/${route.date}/`;
    case 'article':
      return `/articles/${route.date}/${route.id}${route.jsonSuffix ? '.json' : ''}`;
    default:
      return undefined;
  }
};

/** Decode and check segments; a string is the reason for rejecting the path. */
const decodeSegments = (rawPath: string): string[] | string => {
  if (rawPath.length > maxPathLength) return 'path too long';
  if (!rawPathPattern.test(rawPath)) return 'character not allowed in a path';
  const rawSegments = rawPath.slice(1).split('/');
  const decoded: string[] = [];
  for (const [index, raw] of rawSegments.entries()) {
    const last = index === rawSegments.length - 1;
    if (raw === '') {
      if (last) break; // trailing slash (or the root path)
      return 'empty path segment';
    }
    if (raw.length > maxSegmentLength) return 'path segment too long';
    let segment = raw;
    if (raw.includes('%'))
      try {
        segment = decodeURIComponent(raw);
      } catch {
        return 'malformed percent-encoding';
      }
    if (forbiddenDecoded.test(segment)) return 'encoded separator, control character or double encoding';
    if (segment === '.' || segment === '..') return 'dot segment';
    decoded.push(segment);
  }
  return decoded;
};

const routeSegments = (segments: string[]): Route => {
  const [first, date, leaf, ...rest] = segments.map((s) => s.toLowerCase());
  if (first === undefined) return { kind: 'home' };
  if (first === 'index.html' && segments.length === 1) return { kind: 'redirect', path: '/' };
  if (first !== 'articles') return { kind: 'not-found' };
  if (date === undefined) return { kind: 'redirect', path: '/' };
  if (!isCalendarDate(date)) return bad('not a calendar date (YYYY-MM-DD)');
  if (leaf === undefined) return { kind: 'issue', date };
  if (rest.length > 0) return bad('too many path segments', date);
  const jsonSuffix = leaf.endsWith('.json');
  const id = jsonSuffix ? leaf.slice(0, -'.json'.length) : leaf;
  if (!isArticleId(id)) return bad('not an article id', date);
  return { kind: 'article', date, id, jsonSuffix };
};

/**
 * Parse a raw request path (as received: percent-encoded, query excluded). Never throws; never
 * echoes input into a redirect: redirect paths are rebuilt from validated parts.
 */
export const parseRoute = (rawPath: string): Route => {
  const decoded = decodeSegments(rawPath);
  if (typeof decoded === 'string') return bad(decoded);
  const route = routeSegments(decoded);
  const canonical = canonicalPath(route);
  if (canonical !== undefined && canonical !== rawPath) return { kind: 'redirect', path: canonical };
  return route;
};
