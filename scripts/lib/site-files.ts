import { rawPathOf } from '../../shared/serve/raw-request.ts';
import { contentTypes, isDiscoveryKey, opmlKey, sitePrefixes } from '../../shared/site-layout.ts';
import type { Store, StoredObject } from '../../shared/storage/store.ts';

/**
 * Static files of the site store served the way CloudFront serves the output bucket: the
 * stored Content-Type and Cache-Control, a strong ETag, Last-Modified, and 304 answers to
 * If-None-Match / If-Modified-Since (GET and HEAD).
 *
 * Which keys are public: `feeds/…` and `feeds.opml` (what readers subscribe to), the branding
 * kit, robots.txt, sitemaps and the IndexNow key file (`isDiscoveryKey`), photos and page
 * facsimiles (`media/…`, as CloudFront serves them) and, locally
 * only, `reports/…` (why an upload was rejected — the person who dropped the file is the one
 * reading it). `issues/`, `articles/` (records: `/articles/…` goes to the page renderer) and
 * anything else stay private, as they do behind CloudFront.
 */

/** Is this site-store key served as a static file? */
export const isPublicSiteKey = (key: string) =>
  key === opmlKey ||
  key.startsWith(sitePrefixes.feeds) ||
  key.startsWith(sitePrefixes.reports) ||
  key.startsWith(sitePrefixes.media) ||
  isDiscoveryKey(key);

/** Content types by extension, for objects stored without one (older stores, hand-made files). */
const fallbackTypes: Record<string, string> = {
  xml: contentTypes.xml,
  json: contentTypes.json,
  opml: contentTypes.opml,
  html: 'text/html; charset=utf-8',
  txt: contentTypes.text,
  png: contentTypes.png,
  jpg: contentTypes.jpeg,
  webp: contentTypes.webp,
  pdf: contentTypes.pdf,
  ico: contentTypes.ico,
};

const contentTypeOf = (key: string, object: StoredObject) => {
  if (object.contentType) return object.contentType;
  const ext = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
  return fallbackTypes[ext] ?? 'application/octet-stream';
};

/**
 * Map a URL path to a site-store key, or undefined when the path is not a safe public key.
 * Percent-decoding happens once, here; traversal in any spelling (`..`, `%2e%2e`, `%2f` inside a
 * segment, backslashes, NUL) is refused before a key is formed.
 */
export const siteKeyFromPath = (pathname: string): string | undefined => {
  if (!pathname.startsWith('/')) return undefined;
  const segments: string[] = [];
  for (const raw of pathname.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (segment === '' || segment === '.' || segment === '..') return undefined;
    if (/[/\\\u0000-\u001f\u007f]/.test(segment)) return undefined;
    segments.push(segment);
  }
  if (segments.length === 0) return undefined;
  const key = segments.join('/');
  return isPublicSiteKey(key) ? key : undefined;
};

/** HTTP dates have one-second precision: compare on whole seconds. */
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

const etagMatches = (header: string, etag: string) => {
  // Weak comparison, as RFC 9110 asks for If-None-Match: W/"x" matches "x".
  const bare = etag.replace(/^W\//, '');
  return header
    .split(',')
    .map((part) => part.trim())
    .some((part) => part === '*' || part.replace(/^W\//, '') === bare);
};

/**
 * Answer a request for a static site file, or undefined when the path is not one (the caller
 * then tries the page routes). Unknown public keys answer 404; methods other than GET/HEAD 405.
 */
export const serveSiteFile = async (site: Store, request: Request): Promise<Response | undefined> => {
  // The path as sent: `new URL()` would turn `/feeds/x/%2e%2e/…` into another path silently.
  const key = siteKeyFromPath(rawPathOf(request));
  if (key === undefined) return undefined;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response('method not allowed\n', {
      status: 405,
      headers: { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' },
    });
  }
  const object = await site.get(key);
  if (object === undefined) {
    // The path is not echoed: it is the requester's text, and the log already has it.
    return new Response(request.method === 'HEAD' ? null : 'not found\n', {
      status: 404,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
    });
  }
  const headers = new Headers({
    'content-type': contentTypeOf(key, object),
    etag: object.etag,
    'x-content-type-options': 'nosniff',
  });
  if (object.cacheControl) headers.set('cache-control', object.cacheControl);
  if (object.lastModified) headers.set('last-modified', object.lastModified.toUTCString());

  const ifNoneMatch = request.headers.get('if-none-match');
  const ifModifiedSince = request.headers.get('if-modified-since');
  // If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 §13.2.2).
  let notModified = false;
  if (ifNoneMatch !== null) notModified = etagMatches(ifNoneMatch, object.etag);
  else if (ifModifiedSince !== null && object.lastModified) {
    const since = new Date(ifModifiedSince);
    notModified = !Number.isNaN(since.getTime()) && seconds(object.lastModified) <= seconds(since);
  }
  if (notModified) {
    headers.delete('content-type');
    return new Response(null, { status: 304, headers });
  }
  headers.set('content-length', String(object.body.byteLength));
  // A copy typed on a plain ArrayBuffer, which is what the DOM's BodyInit accepts.
  const body = request.method === 'HEAD' ? null : new Uint8Array(object.body);
  return new Response(body, { status: 200, headers });
};
