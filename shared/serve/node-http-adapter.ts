import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { createRawRequest } from './raw-request.ts';

/** A web-standard request handler, e.g. `(request) => serveRequest(deps, request)`. */
export type WebHandler = (request: Request) => Promise<Response>;

/** Host header values safe to use as a URL base (the URL is never echoed to clients). */
const plainHost = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

const headerPairs = (rawHeaders: string[]) => {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) pairs.push([rawHeaders[i]!, rawHeaders[i + 1]!]);
  return pairs;
};

/**
 * A `node:http` request listener over a web handler (local server, tests): the raw request target
 * is kept for the router (see raw-request.ts), HEAD answers carry no body, and a method no web
 * Request can represent (TRACE, TRACK) gets 501. A thrown handler error becomes a bare 500 and is
 * passed to `onError`; nothing about it reaches the client.
 */
export const toNodeListener =
  (handler: WebHandler, onError: (error: unknown) => void = () => {}) =>
  async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const target = req.url ?? '/';
      const queryAt = target.indexOf('?');
      const method = req.method ?? 'GET';
      const host = req.headers.host;
      const hasBody = method !== 'GET' && method !== 'HEAD';
      const request = createRawRequest({
        method,
        rawPath: queryAt === -1 ? target : target.slice(0, queryAt),
        rawQuery: queryAt === -1 ? '' : target.slice(queryAt + 1),
        origin: host && plainHost.test(host) ? `http://${host}` : 'http://localhost',
        headers: headerPairs(req.rawHeaders),
        ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array> } : {}),
      });
      if (request === undefined) {
        res.writeHead(501, { 'content-type': 'text/plain; charset=utf-8' }).end('not implemented\n');
        return;
      }
      const response = await handler(request);
      const headers: Record<string, string | string[]> = {};
      response.headers.forEach((value, name) => {
        if (name !== 'set-cookie') headers[name] = value;
      });
      const cookies = response.headers.getSetCookie();
      if (cookies.length > 0) headers['set-cookie'] = cookies;
      res.writeHead(response.status, headers);
      if (method === 'HEAD' || response.body === null) {
        res.end();
        return;
      }
      const reader = response.body.getReader();
      for (let part = await reader.read(); !part.done; part = await reader.read()) res.write(part.value);
      res.end();
    } catch (error) {
      onError(error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end();
    }
  };
