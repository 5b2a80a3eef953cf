import { readFileSync } from 'node:fs';
import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createInstruments, logOf } from '../../functions/instruments.ts';
import { createHandler } from '../../functions/serve-article/handler.ts';
import { StorageError } from '../../shared/errors.ts';
import { metricsNamespace, serveMetrics } from '../../shared/operations/metric-names.ts';
import type { Store } from '../../shared/storage/store.ts';
import { fixtureDeps } from '../serve/serve-fixtures.ts';
import { capturedJsonLines } from '../support/captured-output.ts';

const event = (name: string): LambdaFunctionURLEvent =>
  JSON.parse(
    readFileSync(new URL(`../fixtures/function-url/${name}.json`, import.meta.url), 'utf8'),
  ) as LambdaFunctionURLEvent;

const context = {
  functionName: 'ServeArticle',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:ap-southeast-1:123456789012:function:ServeArticle',
  memoryLimitInMB: '512',
  awsRequestId: '0b1f7c1e-serve',
} as Context;

const unreachable: Store = {
  get: (key) => Promise.reject(new StorageError(`GET ${key} failed: connect ETIMEDOUT`)),
  put: () => Promise.reject(new StorageError('read-only')),
  delete: () => Promise.reject(new StorageError('read-only')),
  list: () => {
    throw new StorageError('read-only');
  },
};

afterEach(() => {
  vi.unstubAllEnvs();
});

/** A handler wired as in production: Powertools instruments, the core's log through the logger. */
const instrumented = async (site?: Store) => {
  const instruments = createInstruments('serve-article');
  const { deps } = await fixtureDeps();
  return createHandler(
    { ...deps, ...(site ? { site } : {}), log: logOf(instruments.logger) },
    () => instruments,
  );
};

describe('serve-article handler: metrics and logs', () => {
  it.each([
    ['get-article', 200, '2xx'],
    ['get-article-unknown', 404, '4xx'],
    ['post-article', 405, '4xx'],
  ])('counts %s (%i) as one %s response', async (name, status, statusClass) => {
    const handle = await instrumented();
    let answered: number | undefined;
    const { metrics } = await capturedJsonLines(async () => {
      answered = (await handle(event(name), context)).statusCode;
    });
    expect(answered).toBe(status);
    expect(metrics).toHaveLength(1);
    expect(metrics[0]).toMatchObject({ service: 'serve-article', statusClass, [serveMetrics.responses]: 1 });
    const directive = (
      metrics[0]!._aws as { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][] }> }
    ).CloudWatchMetrics[0]!;
    expect(directive.Namespace).toBe(metricsNamespace);
    expect(directive.Dimensions).toEqual([['service', 'statusClass']]);
  });

  it('counts the 503 of a storage fault as 5xx and logs it with the request id', async () => {
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const handle = await instrumented(unreachable);
    let answered: number | undefined;
    const { metrics, logs } = await capturedJsonLines(async () => {
      answered = (await handle(event('get-article'), context)).statusCode;
    });
    expect(answered).toBe(503);
    expect(metrics).toHaveLength(1);
    expect(metrics[0]).toMatchObject({ statusClass: '5xx', [serveMetrics.responses]: 1 });
    const errors = logs.filter((line) => line.level === 'ERROR');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({
      service: 'serve-article',
      cold_start: true,
      function_request_id: context.awsRequestId,
    });
  });

  it('keeps the dimension of one request off the next', async () => {
    const handle = await instrumented();
    const { metrics } = await capturedJsonLines(async () => {
      await handle(event('get-article-unknown'), context);
      await handle(event('get-article'), context);
    });
    expect(metrics.map((line) => line.statusClass)).toEqual(['4xx', '2xx']);
  });
});
