import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { edgeSecurityHeaderFields } from '../../shared/serve/edge-security-headers.ts';
import { createRawRequest } from '../../shared/serve/raw-request.ts';

/** A web-standard request handler: what the serving core and the static files speak. */
export type FetchHandler = (request: Request) => Promise<Response>;

/** One served request, as the local server's request log records it. */
export interface RequestLogEntry {
  method: string;
  /** Path and query as requested. */
  path: string;
  status: number;
  /** Conditional headers the client sent (tests check that readers revalidate). */
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  userAgent?: string;
}

/** Longer request targets answer 414; node itself refuses request heads over 16 KB with 431. */
const maxTargetLength = 4096;

/** Characters of a path kept in the request log and error logs. */
export const loggedPathLength = 200;

const boundedPath = (path: string) =>
  path.length <= loggedPathLength ? path : `${path.slice(0, loggedPathLength)}…(${path.length} chars)`;

/**
 * The path and query of a request target. An absolute-form target (`GET http://x/feeds/all/rss.xml`,
 * what proxies send) routes by its path, as RFC 9112 §3.2.2 asks of a server; `*` and anything
 * else that is no path becomes `/` (only OPTIONS uses `*`, and it answers 405).
 */
export const originFormOf = (target: string): string => {
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(target);
  const rest = absolute === null ? target : target.slice(absolute[0].length);
  if (rest.startsWith('/')) return rest;
  return rest.startsWith('?') ? `/${rest}` : '/';
};

/**
 * Build a web `Request` from a node request; `origin` is the server's own base URL. The raw
 * path is kept beside the request (shared/serve/raw-request.ts) so routes can refuse traversal
 * spellings that WHATWG URL parsing would silently normalise. Undefined when no `Request` can
 * carry the method (CONNECT, TRACE…): the caller answers 405.
 */
const toWebRequest = async (req: IncomingMessage, origin: string): Promise<Request | undefined> => {
  const target = originFormOf(req.url ?? '/');
  const queryAt = target.indexOf('?');
  const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
  const headers: [string, string][] = [];
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.push([name, v]);
  }
  // No body is ever read: only GET and HEAD get this far (toNodeListener answers the rest).
  return createRawRequest({
    method: req.method ?? 'GET',
    rawPath,
    ...(queryAt === -1 ? {} : { rawQuery: target.slice(queryAt + 1) }),
    origin,
    headers,
  });
};

const plainAnswer = (status: number, text: string, extra: Record<string, string> = {}) =>
  new Response(`${text}\n`, {
    status,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
      ...(status === 405 ? { allow: 'GET, HEAD' } : {}),
      ...extra,
    },
  });

/**
 * Answers decided from the request head alone, before any body byte is read: a 300 MB PUT used to
 * be buffered whole before its 405. The connection is closed after these answers, so the unread
 * body is never parsed as a next request.
 */
const refuseBeforeReading = (req: IncomingMessage): Response | undefined => {
  const close = { connection: 'close' };
  if ((req.url ?? '').length > maxTargetLength) return plainAnswer(414, 'request target too long', close);
  if (req.method !== 'GET' && req.method !== 'HEAD') return plainAnswer(405, 'method not allowed', close);
  const length = Number(req.headers['content-length'] ?? '0');
  if (req.headers['transfer-encoding'] !== undefined || !(length === 0))
    return plainAnswer(413, 'request bodies are not accepted', close);
  return undefined;
};

/** Write a web `Response` to a node response (HEAD and 304 carry headers only). */
const writeWebResponse = async (response: Response, res: ServerResponse, method: string): Promise<void> => {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name === 'set-cookie') return;
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  // What CloudFront's response-headers policy adds in production, on every answer (no HSTS: http).
  for (const field of edgeSecurityHeaderFields(false)) {
    if (field.override || headers[field.name] === undefined) headers[field.name] = field.value;
  }
  res.writeHead(response.status, headers);
  if (method === 'HEAD' || response.status === 304 || response.body === null) {
    res.end();
    return;
  }
  res.end(Buffer.from(await response.arrayBuffer()));
};

/**
 * Turn a fetch-style handler into a node:http listener. `origin` is read on each request so a
 * server started on port 0 can set it once the port is known. A handler that throws answers 500
 * without the error in the body (it goes to `onError`).
 */
export const toNodeListener = (
  handler: FetchHandler,
  options: {
    origin: () => string;
    onRequest?: (entry: RequestLogEntry) => void;
    onError: (error: unknown, request: { method: string; path: string }) => void;
  },
): RequestListener => {
  return (req, res) => {
    const method = req.method ?? 'GET';
    const path = boundedPath(req.url ?? '/');
    const record = (status: number) => {
      const entry: RequestLogEntry = { method, path, status };
      const inm = req.headers['if-none-match'];
      const ims = req.headers['if-modified-since'];
      const ua = req.headers['user-agent'];
      if (inm !== undefined) entry.ifNoneMatch = inm;
      if (ims !== undefined) entry.ifModifiedSince = ims;
      if (ua !== undefined) entry.userAgent = ua;
      options.onRequest?.(entry);
    };
    const answer = async () => {
      let response: Response;
      try {
        const refused = refuseBeforeReading(req);
        const request = refused === undefined ? await toWebRequest(req, options.origin()) : undefined;
        response =
          refused ??
          (request === undefined ? plainAnswer(405, 'method not allowed') : await handler(request));
      } catch (error) {
        options.onError(error, { method, path });
        response = new Response('internal error\n', {
          status: 500,
          headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
        });
      }
      // Logged before writing, so a client that has its answer always finds it in the log.
      record(response.status);
      await writeWebResponse(response, res, method);
    };
    answer().catch((error: unknown) => {
      // Writing failed (client went away): nothing left to answer.
      options.onError(error, { method, path });
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };
};
