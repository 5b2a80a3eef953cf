import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
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

const readBody = async (req: IncomingMessage): Promise<Uint8Array<ArrayBuffer> | undefined> => {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
};

/**
 * Build a web `Request` from a node request; `origin` is the server's own base URL. The raw
 * path is kept beside the request (shared/serve/raw-request.ts) so routes can refuse traversal
 * spellings that WHATWG URL parsing would silently normalise. Undefined when no `Request` can
 * carry the method (CONNECT, TRACE…): the caller answers 405.
 */
export const toWebRequest = async (req: IncomingMessage, origin: string): Promise<Request | undefined> => {
  const target = req.url ?? '/';
  const queryAt = target.indexOf('?');
  const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
  const headers: [string, string][] = [];
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.push([name, v]);
  }
  const body = await readBody(req);
  return createRawRequest({
    method: req.method ?? 'GET',
    // An absolute-form or `*` target is not a path this server serves; `/` keeps URL parsing sane.
    rawPath: rawPath.startsWith('/') ? rawPath : '/',
    ...(queryAt === -1 ? {} : { rawQuery: target.slice(queryAt + 1) }),
    origin,
    headers,
    ...(body === undefined ? {} : { body }),
  });
};

/** Write a web `Response` to a node response (HEAD and 304 carry headers only). */
export const writeWebResponse = async (
  response: Response,
  res: ServerResponse,
  method: string,
): Promise<void> => {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name === 'set-cookie') return;
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
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
    const path = req.url ?? '/';
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
        const request = await toWebRequest(req, options.origin());
        response =
          request === undefined
            ? new Response('method not allowed\n', {
                status: 405,
                headers: { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' },
              })
            : await handler(request);
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
