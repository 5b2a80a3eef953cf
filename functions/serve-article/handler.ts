import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyStructuredResultV2, Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { systemClock } from '../../shared/clock.ts';
import { ConfigError } from '../../shared/errors.ts';
import {
  serveMetrics,
  serviceNames,
  statusClassDimension,
  statusClassOf,
} from '../../shared/operations/metric-names.ts';
import { siteBucketEnv, siteHostHeaderEnv } from '../../shared/runtime-env.ts';
import { createRawRequest } from '../../shared/serve/raw-request.ts';
import { RenderCache } from '../../shared/serve/render-cache.ts';
import {
  methodNotAllowed,
  type ServeDeps,
  securityHeaders,
  serveRequest,
} from '../../shared/serve/serve-request.ts';
import { siteUrlFromHost } from '../../shared/serve/site-url-from-host.ts';
import { createS3Client, S3Store } from '../../shared/storage/s3-store.ts';
import { createInstruments, type Instruments, logOf } from '../instruments.ts';

/** A Function URL handler (payload format 2.0). */
export type ServeArticleHandler = (
  event: LambdaFunctionURLEvent,
  context?: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

const textual = /^(text\/|application\/(json|[\w.+-]+\+json|xml|[\w.+-]+\+xml)\b)/i;

/** Event → web Request, keeping the raw path for the router (see shared/serve/raw-request.ts). */
export const requestFromEvent = (event: LambdaFunctionURLEvent): Request | undefined => {
  const headers: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(event.headers ?? {}))
    if (value !== undefined) headers.push([name, value]);
  if (event.cookies?.length) headers.push(['cookie', event.cookies.join('; ')]);
  const body =
    event.body === undefined
      ? undefined
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64')
        : event.body;
  return createRawRequest({
    method: event.requestContext.http.method,
    rawPath: event.rawPath,
    rawQuery: event.rawQueryString,
    // The AWS-set domain, not the client's Host header: the URL is never echoed, but it stays honest.
    origin: `https://${event.requestContext.domainName}`,
    headers,
    ...(body === undefined ? {} : { body }),
  });
};

/** Web Response → Function URL result; HEAD answers carry headers only. */
export const resultFromResponse = async (
  response: Response,
  method: string,
): Promise<APIGatewayProxyStructuredResultV2> => {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  const isText = textual.test(response.headers.get('content-type') ?? 'text/plain');
  const body =
    method === 'HEAD'
      ? ''
      : isText
        ? await response.text()
        : Buffer.from(await response.arrayBuffer()).toString('base64');
  return {
    statusCode: response.status,
    headers,
    ...(cookies.length > 0 ? { cookies } : {}),
    body,
    isBase64Encoded: !isText,
  };
};

/**
 * The serve-article Lambda: Function URL event → `serveRequest` → result. Wiring only. `deps`
 * may be a function so production dependencies are built on the first invocation, not at import;
 * `instruments` likewise (production: Powertools logger and metrics; tests may leave them out).
 */
export const createHandler = (
  deps:
    | ServeDeps
    | ((event: LambdaFunctionURLEvent) => ServeDeps | undefined | Promise<ServeDeps | undefined>),
  instruments?: () => Instruments | Promise<Instruments>,
): ServeArticleHandler => {
  const resolve = typeof deps === 'function' ? deps : () => deps;
  return async (event, context) => {
    const tools = await instruments?.();
    if (context !== undefined) tools?.logger.addContext(context);
    const method = event.requestContext.http.method.toUpperCase();
    const result = await answer(resolve, event, method);
    if (tools !== undefined) {
      // One EMF line per request: responses by status class (a 503 from a storage fault included).
      tools.metrics.addDimension(statusClassDimension, statusClassOf(result.statusCode ?? 200));
      tools.metrics.addMetric(serveMetrics.responses, MetricUnit.Count, 1);
      tools.metrics.publishStoredMetrics();
    }
    return result;
  };
};

const answer = async (
  resolve: (event: LambdaFunctionURLEvent) => ServeDeps | undefined | Promise<ServeDeps | undefined>,
  event: LambdaFunctionURLEvent,
  method: string,
): Promise<APIGatewayProxyStructuredResultV2> => {
  const current = await resolve(event);
  if (current === undefined) return resultFromResponse(unknownHost(), method);
  const request = requestFromEvent(event);
  const response =
    request === undefined
      ? methodNotAllowed(current.config, method === 'HEAD')
      : await serveRequest(current, request);
  return resultFromResponse(response, method);
};

/** No site URL can be derived for the request (host-header mode, header missing or not a host). */
const unknownHost = () =>
  new Response('bad request: unknown host\n', {
    status: 400,
    headers: { ...securityHeaders, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  });

/** Stand-in for validating the rest of the config when the site URL comes per request. */
const siteUrlStandIn = 'https://site-url.invalid';

interface ProductionWiring {
  deps: ServeDeps;
  /** Lower-case header name, in host-header mode. */
  hostHeader?: string;
  /** One config object per host, so ETags (which fingerprint the config object) stay stable. */
  configs: Map<string, ServeDeps['config']>;
}

let production: Promise<ProductionWiring> | undefined;

/**
 * Production dependencies, built once on the first invocation: config from the environment
 * (a missing or invalid setting fails that invocation loudly, naming the variable), the S3 store,
 * a render cache for the warm instance. A cold start that fails on config fails before any
 * storage access.
 */
const productionWiring = (): Promise<ProductionWiring> => {
  if (production === undefined) {
    production = (async () => {
      const { configEnvironmentNames, siteConfigFromEnvironment } = await import('../../shared/config.ts');
      const hostHeader = process.env[siteHostHeaderEnv]?.toLowerCase();
      const hostMode = !process.env[configEnvironmentNames.siteUrl] && !!hostHeader;
      const config = siteConfigFromEnvironment(
        hostMode ? { ...process.env, [configEnvironmentNames.siteUrl]: siteUrlStandIn } : process.env,
      );
      const bucket = process.env[siteBucketEnv];
      if (!bucket) throw new ConfigError(`${siteBucketEnv} is required`);
      return {
        deps: {
          // The Lambda runtime sets AWS_REGION; the bucket lives in the function's region.
          site: new S3Store({ client: createS3Client({ region: process.env.AWS_REGION }), bucket }),
          config,
          clock: systemClock,
          log: logOf(productionInstruments().logger),
          cache: new RenderCache(),
        },
        ...(hostMode ? { hostHeader } : {}),
        configs: new Map(),
      };
    })();
    // A failed start is not kept: the next invocation tries again (and fails loudly again).
    production.catch(() => {
      production = undefined;
    });
  }
  return production;
};

/** The deps for one event: as configured, or with the site URL from the host header. */
const productionDeps = async (event: LambdaFunctionURLEvent): Promise<ServeDeps | undefined> => {
  const wiring = await productionWiring();
  if (wiring.hostHeader === undefined) return wiring.deps;
  const siteUrl = siteUrlFromHost(event.headers?.[wiring.hostHeader]);
  if (siteUrl === undefined) return undefined;
  let config = wiring.configs.get(siteUrl);
  if (config === undefined) {
    // CloudFront routes only its own host names: a handful at most. The bound is a safety net.
    if (wiring.configs.size >= 16) wiring.configs.clear();
    config = { ...wiring.deps.config, siteUrl };
    wiring.configs.set(siteUrl, config);
  }
  return { ...wiring.deps, config };
};

let instruments: Instruments | undefined;

/** Powertools logger and metrics, made on the first invocation (they read POWERTOOLS_* then). */
const productionInstruments = (): Instruments => {
  instruments ??= createInstruments(serviceNames.serve);
  return instruments;
};

/** Lambda entry point. */
export const handler = createHandler(productionDeps, productionInstruments);
