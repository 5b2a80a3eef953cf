import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Store } from '../../shared/storage/store.ts';
import { type FetchHandler, type RequestLogEntry, toNodeListener } from './node-http.ts';
import { serveSiteFile } from './site-files.ts';

export interface LocalServerOptions {
  host: string;
  /** 0 = ephemeral. */
  port: number;
  /** The site store (`<data>/site`). */
  site: Store;
  /** Pages (`/`, `/articles/…`): the same use case the permalink Lambda runs. */
  pages: FetchHandler;
  onRequest?: (entry: RequestLogEntry) => void;
  onError: (error: unknown, request: { method: string; path: string }) => void;
}

export interface LocalServer {
  /** `http://<host>:<port>`, with the real port. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The base URL for links: IPv6 literals need brackets, and a wildcard listen address is not
 * something a browser can open, so links then name the loopback address.
 */
export const formatOrigin = (host: string, port: number) => {
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
};

/**
 * The site's URL layout on one port, as CloudFront lays it out: static documents from the site
 * store first (feeds, OPML, archives), everything else through the page handler.
 */
export const createSiteHandler =
  (site: Store, pages: FetchHandler): FetchHandler =>
  async (request) =>
    (await serveSiteFile(site, request)) ?? pages(request);

/** Start the local HTTP server; resolves once it listens. */
export const startLocalServer = async (options: LocalServerOptions): Promise<LocalServer> => {
  let origin = formatOrigin(options.host, options.port);
  const server: Server = createServer(
    toNodeListener(createSiteHandler(options.site, options.pages), {
      origin: () => origin,
      onError: options.onError,
      ...(options.onRequest === undefined ? {} : { onRequest: options.onRequest }),
    }),
  );
  // Feed readers keep connections open; don't let one idle socket hold `close()` forever.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  origin = formatOrigin(options.host, port);
  return {
    url: origin,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
};
