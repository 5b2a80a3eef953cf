import type { APIGatewayProxyStructuredResultV2, LambdaFunctionURLEvent } from 'aws-lambda';
import { systemClock } from '../../shared/clock.ts';
import { siteConfigFromEnvironment } from '../../shared/config.ts';
import { ConfigError } from '../../shared/errors.ts';
import { jsonLineLog } from '../../shared/log.ts';
import { siteBucketEnv } from '../../shared/runtime-env.ts';
import { createRawRequest } from '../../shared/serve/raw-request.ts';
import { methodNotAllowed, type ServeDeps, serveRequest } from '../../shared/serve/serve-request.ts';
import { createS3Client, S3Store } from '../../shared/storage/s3-store.ts';

/** A Function URL handler (payload format 2.0). */
export type ServeArticleHandler = (
  event: LambdaFunctionURLEvent,
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
  const bytes = method === 'HEAD' ? new Uint8Array() : new Uint8Array(await response.arrayBuffer());
  const isText = textual.test(response.headers.get('content-type') ?? 'text/plain');
  return {
    statusCode: response.status,
    headers,
    ...(cookies.length > 0 ? { cookies } : {}),
    body: isText ? Buffer.from(bytes).toString('utf8') : Buffer.from(bytes).toString('base64'),
    isBase64Encoded: !isText,
  };
};

/**
 * The serve-article Lambda: Function URL event → `serveRequest` → result. Wiring only. `deps`
 * may be a function so production dependencies are built on the first invocation, not at import.
 */
export const createHandler = (deps: ServeDeps | (() => ServeDeps)): ServeArticleHandler => {
  const resolve = typeof deps === 'function' ? deps : () => deps;
  return async (event) => {
    const current = resolve();
    const method = event.requestContext.http.method.toUpperCase();
    const request = requestFromEvent(event);
    const response =
      request === undefined
        ? methodNotAllowed(current.config, method === 'HEAD')
        : await serveRequest(current, request);
    return resultFromResponse(response, method);
  };
};

let production: ServeDeps | undefined;

/** Production dependencies, read from the environment once (first invocation). */
const productionDeps = (): ServeDeps => {
  if (production === undefined) {
    const config = siteConfigFromEnvironment(process.env);
    const bucket = process.env[siteBucketEnv];
    if (!bucket) throw new ConfigError(`${siteBucketEnv} is required`);
    production = {
      // The Lambda runtime sets AWS_REGION; the bucket lives in the function's region.
      site: new S3Store({ client: createS3Client({ region: process.env.AWS_REGION }), bucket }),
      config,
      clock: systemClock,
      log: jsonLineLog({ function: 'serve-article' }),
    };
  }
  return production;
};

/** Lambda entry point. */
export const handler = createHandler(productionDeps);
