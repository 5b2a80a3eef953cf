import type { Context, S3Event } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type BuildFeedsDeps, createHandler } from '../../functions/build-feeds/handler.ts';
import { createInstruments, logOf } from '../../functions/instruments.ts';
import { PreconditionFailedError } from '../../shared/errors.ts';
import { buildMetrics, metricsNamespace } from '../../shared/operations/metric-names.ts';
import type { RejectionNotice } from '../../shared/publish/rejection-notice.ts';
import type { Store } from '../../shared/storage/store.ts';
import { fixture, makeDeps, snapshot, upload } from '../publish/publish-kit.ts';
import { capturedJsonLines, metricSum } from '../support/captured-output.ts';

const created = (key: string, sequencer = '1') =>
  ({
    Records: [
      {
        eventName: 'ObjectCreated:Put',
        s3: { object: { key: encodeURIComponent(key).replace(/%2F/g, '/'), size: 1, sequencer } },
      },
    ],
  }) as unknown as S3Event;

const removed = (key: string) =>
  ({
    Records: [{ eventName: 'ObjectRemoved:Delete', s3: { object: { key, size: 0, sequencer: '2' } } }],
  }) as unknown as S3Event;

const lambdaContext = {
  functionName: 'BuildFeeds',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:ap-southeast-1:123456789012:function:BuildFeeds',
  memoryLimitInMB: '1024',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
} as Context;

/** Deps as production wires them: Powertools instruments, the core's log through the same logger. */
const instrumentedDeps = (overrides: Partial<BuildFeedsDeps> = {}): BuildFeedsDeps & { site: Store } => {
  const instruments = createInstruments('build-feeds');
  return { ...makeDeps(), log: logOf(instruments.logger), instruments, ...overrides };
};

const recordingDesk = () => {
  const notices: RejectionNotice[] = [];
  return { notices, desk: { notify: async (notice: RejectionNotice) => void notices.push(notice) } };
};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('build-feeds handler: the desk hears of rejected pages', () => {
  it('notifies the desk with the key, the error code and the location of a refused page', async () => {
    const { notices, desk } = recordingDesk();
    const deps = { ...makeDeps(), desk };
    await upload(deps.input, 'incoming/2024-11-30/03-文化.json', '{"date": "2024-11-30", "pages": [');
    await createHandler(deps)(created('incoming/2024-11-30/03-文化.json'));
    expect(notices).toHaveLength(1);
    const [notice] = notices;
    expect(notice!.subject).toBe('Upload rejected (malformed-json): incoming/2024-11-30/03-??.json');
    expect(notice!.body).toContain('Upload key: incoming/2024-11-30/03-文化.json');
    expect(notice!.body).toContain('Error code: malformed-json');
    expect(notice!.body).toMatch(/Location: {3}.*(line|offset)/);
    expect(notice!.body).toContain('reports/incoming/2024-11-30/03-文化.json.json');
  });

  it('tells the desk nothing about a page that published', async () => {
    const { notices, desk } = recordingDesk();
    const deps = { ...makeDeps(), desk };
    await upload(deps.input, 'incoming/2024-11-30/01.txt', fixture('01'));
    await createHandler(deps)(created('incoming/2024-11-30/01.txt'));
    expect(notices).toEqual([]);
  });

  it('fails the invocation when the desk cannot be told, so Lambda retries the event', async () => {
    const deps = {
      ...makeDeps(),
      desk: { notify: () => Promise.reject(new Error('SNS unavailable')) },
    };
    await upload(deps.input, 'incoming/2024-11-30/01.txt', '');
    await expect(createHandler(deps)(created('incoming/2024-11-30/01.txt'))).rejects.toThrow(
      'SNS unavailable',
    );
    // The report is written all the same: the retry finds the same verdict and tells again.
    expect(Object.keys(await snapshot(deps.site))).toEqual(['reports/incoming/2024-11-30/01.txt.json']);
  });
});

describe('build-feeds handler: metrics (embedded metric format)', () => {
  it('counts a published upload, its articles, its duration and the feed bytes it wrote', async () => {
    const deps = instrumentedDeps();
    await upload(deps.input, 'incoming/2024-11-30/01.txt', fixture('01'));
    const { metrics } = await capturedJsonLines(() =>
      createHandler(deps)(created('incoming/2024-11-30/01.txt'), lambdaContext),
    );
    expect(metrics).toHaveLength(1);
    const line = metrics[0]!;
    const directive = (
      line._aws as { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][] }> }
    ).CloudWatchMetrics[0]!;
    expect(directive.Namespace).toBe(metricsNamespace);
    expect(directive.Dimensions).toEqual([['service']]);
    expect(line.service).toBe('build-feeds');
    expect(line[buildMetrics.uploadsPublished]).toBe(1);
    const site = await snapshot(deps.site);
    const articles = Object.keys(site).filter((key) => key.startsWith('articles/')).length;
    expect(line[buildMetrics.articlesPublished]).toBe(articles);
    const feedBytes = Object.entries(site)
      .filter(([key]) => key.startsWith('feeds/'))
      .reduce((sum, [, object]) => sum + Buffer.byteLength(object.body), 0);
    expect(line[buildMetrics.feedBytesWritten]).toBe(feedBytes);
    expect(line[buildMetrics.publishDuration]).toBeGreaterThan(0);
    expect(line[buildMetrics.conditionalWriteRetries]).toBe(0);
  });

  it('counts a rejected upload under its error code, on a line of its own', async () => {
    const deps = instrumentedDeps();
    await upload(deps.input, 'incoming/2024-11-30/01.txt', '');
    const { metrics } = await capturedJsonLines(() =>
      createHandler(deps)(created('incoming/2024-11-30/01.txt'), lambdaContext),
    );
    const rejected = metrics.filter((line) => buildMetrics.uploadsRejected in line);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({
      code: 'empty',
      service: 'build-feeds',
      [buildMetrics.uploadsRejected]: 1,
    });
    const directive = (rejected[0]!._aws as { CloudWatchMetrics: Array<{ Dimensions: string[][] }> })
      .CloudWatchMetrics[0]!;
    expect(directive.Dimensions).toEqual([['service', 'code']]);
    // The invocation's own line carries no `code` dimension, and nothing counts as published.
    expect(metrics.filter((line) => line !== rejected[0]).every((line) => !('code' in line))).toBe(true);
    expect(metricSum(metrics, buildMetrics.uploadsPublished)).toBeUndefined();
  });

  it('counts a retraction and the articles it withdrew', async () => {
    const deps = instrumentedDeps();
    await upload(deps.input, 'incoming/2024-11-30/01.txt', fixture('01'));
    await capturedJsonLines(() => createHandler(deps)(created('incoming/2024-11-30/01.txt')));
    const published = Object.keys(await snapshot(deps.site)).filter((k) => k.startsWith('articles/')).length;
    await deps.input.delete('incoming/2024-11-30/01.txt');
    const { metrics } = await capturedJsonLines(() =>
      createHandler(deps)(removed('incoming/2024-11-30/01.txt')),
    );
    expect(metricSum(metrics, buildMetrics.uploadsRetracted)).toBe(1);
    expect(metricSum(metrics, buildMetrics.articlesRetracted)).toBe(published);
  });

  it('counts conditional writes repeated after another writer won', async () => {
    const base = makeDeps();
    let conflicts = 1;
    // The first conditional write of the issue document loses, as if another publish got there first.
    const racing: Store = {
      get: (key) => base.site.get(key),
      put: (key, body, options) => {
        if (key.startsWith('issues/') && (options.ifMatch ?? options.ifNoneMatch) && conflicts > 0) {
          conflicts -= 1;
          return Promise.reject(new PreconditionFailedError(key));
        }
        return base.site.put(key, body, options);
      },
      delete: (key) => base.site.delete(key),
      list: (prefix) => base.site.list(prefix),
    };
    const deps = instrumentedDeps({ site: racing });
    await upload(deps.input, 'incoming/2024-11-30/01.txt', fixture('01'));
    const { metrics } = await capturedJsonLines(() =>
      createHandler(deps)(created('incoming/2024-11-30/01.txt')),
    );
    expect(conflicts).toBe(0);
    expect(metricSum(metrics, buildMetrics.conditionalWriteRetries)).toBeGreaterThanOrEqual(1);
    expect(metricSum(metrics, buildMetrics.uploadsPublished)).toBe(1);
  });
});

describe('build-feeds handler: Powertools logs', () => {
  it('carries cold start, request id and the upload key on every line of an upload', async () => {
    // Lambda sets this; Powertools reports a cold start only for on-demand environments.
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const deps = instrumentedDeps();
    await upload(deps.input, 'incoming/2024-11-30/01.txt', '');
    const { logs } = await capturedJsonLines(() =>
      createHandler(deps)(created('incoming/2024-11-30/01.txt'), lambdaContext),
    );
    const rejected = logs.find((line) => line.message === 'upload rejected');
    const handled = logs.find((line) => line.message === 'upload handled');
    for (const line of [rejected, handled]) {
      expect(line).toMatchObject({
        service: 'build-feeds',
        cold_start: true,
        function_request_id: lambdaContext.awsRequestId,
        uploadKey: 'incoming/2024-11-30/01.txt',
      });
    }
    expect(rejected).toMatchObject({ level: 'WARN', code: 'empty' });
  });

  it('drops the upload key once the upload is handled', async () => {
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const deps = instrumentedDeps();
    await upload(deps.input, 'incoming/2024-11-30/01.txt', '');
    const handle = createHandler(deps);
    await capturedJsonLines(() => handle(created('incoming/2024-11-30/01.txt'), lambdaContext));
    const { logs } = await capturedJsonLines(() =>
      handle({ Records: [{ eventName: 'ObjectTagging:Put', s3: { object: { key: 'x' } } }] } as S3Event, {
        ...lambdaContext,
        awsRequestId: 'second',
      }),
    );
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ cold_start: false, function_request_id: 'second' });
    expect(logs[0]!.uploadKey).toBeUndefined();
  });

  it('takes its level from POWERTOOLS_LOG_LEVEL', async () => {
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'ERROR');
    const deps = instrumentedDeps();
    await upload(deps.input, 'incoming/2024-11-30/01.txt', '');
    const { logs } = await capturedJsonLines(() =>
      createHandler(deps)(created('incoming/2024-11-30/01.txt'), lambdaContext),
    );
    expect(logs).toEqual([]);
  });
});
