/**
 * Building a web `Request` from a server's raw request target without losing the raw path.
 *
 * `new Request(url)` parses the URL the WHATWG way: `/a/%2e%2e/b` becomes `/b` and `\` becomes
 * `/`. The router must see what the client sent so it can refuse traversal attempts with 400
 * instead of silently serving whatever the normalised path names. Adapters (Lambda, node:http)
 * build requests here; the raw path travels beside the request in a WeakMap — not in a header a
 * client could set — and `rawPathOf` falls back to the parsed path for requests built elsewhere.
 */
const rawPaths = new WeakMap<Request, string>();

/** What an adapter knows about an incoming request. */
export interface RawRequestTarget {
  method: string;
  /** Path as received, percent-encoded, without the query. */
  rawPath: string;
  /** Query as received, without `?`; may be empty. */
  rawQuery?: string;
  /** Base for the Request URL, e.g. `https://abc.lambda-url.eu-west-1.on.aws`. */
  origin: string;
  headers: Iterable<[string, string]>;
  body?: BodyInit;
}

/** Methods `new Request` refuses to construct (Fetch "forbidden methods"). */
const forbiddenMethods = new Set(['CONNECT', 'TRACE', 'TRACK']);

/**
 * A Request carrying the raw path for `rawPathOf`; undefined when no Request can represent the
 * method (CONNECT, TRACE, TRACK, or not an HTTP token) — the adapter answers 405 then.
 */
export const createRawRequest = (target: RawRequestTarget): Request | undefined => {
  const method = target.method.toUpperCase();
  if (forbiddenMethods.has(method) || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(target.method)) return undefined;
  const headers = new Headers();
  for (const [name, value] of target.headers) {
    try {
      headers.append(name, value);
    } catch {
      // A header value Fetch cannot hold (e.g. non-Latin-1 text from a proxy): none of the
      // headers the server reads can be valid in that form, so it is dropped.
    }
  }
  // The path goes into the URL only after the raw copy is kept; a `?` or `#` cannot appear in a
  // raw path (they end it), so concatenation keeps the host part as given.
  let url: URL;
  try {
    url = new URL(`${target.origin}${target.rawPath}${target.rawQuery ? `?${target.rawQuery}` : ''}`);
  } catch {
    url = new URL(target.origin);
  }
  const hasBody = target.body !== undefined && method !== 'GET' && method !== 'HEAD';
  const request = new Request(url, {
    method: target.method,
    headers,
    ...(hasBody ? { body: target.body, duplex: 'half' } : {}),
  } as RequestInit);
  rawPaths.set(request, target.rawPath);
  return request;
};

/** The path as the client sent it, when an adapter recorded it; else the parsed URL path. */
export const rawPathOf = (request: Request) => rawPaths.get(request) ?? new URL(request.url).pathname;
