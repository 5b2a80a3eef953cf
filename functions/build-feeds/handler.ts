import type { Context, S3Event, S3EventRecord } from 'aws-lambda';
import { systemClock } from '../../shared/clock.ts';
import { siteConfigFromEnvironment } from '../../shared/config.ts';
import { ConfigError, InvalidUploadError } from '../../shared/errors.ts';
import { serviceNames } from '../../shared/operations/metric-names.ts';
import { changedFeedUrls, notifyHub } from '../../shared/publish/notify-hub.ts';
import {
  changedPermalinks,
  notifySearchEngines,
  type SearchPingConfig,
  searchPingConfigFromEnvironment,
} from '../../shared/publish/notify-search-engines.ts';
import {
  type PublishDeps,
  type PublishOutcome,
  publishUpload,
  type UploadEvent,
} from '../../shared/publish/publish-upload.ts';
import { type DeskNotifier, rejectionNotice } from '../../shared/publish/rejection-notice.ts';
import { defaultRetryPolicy } from '../../shared/publish/store-io.ts';
import {
  cdnDistributionEnv,
  deskTopicEnv,
  ingestBucketEnv,
  siteBucketEnv,
} from '../../shared/runtime-env.ts';
import { inputPrefix } from '../../shared/site-layout.ts';
import { createS3Client, S3Store } from '../../shared/storage/s3-store.ts';
import { decodeS3Key } from '../../shared/upload-key.ts';
import { createInstruments, type Instruments, logOf } from '../instruments.ts';
import { changedFeedSlugs } from './changed-feeds.ts';
import { CloudFrontInvalidator, createCloudFrontClient } from './cloudfront-invalidator.ts';
import { countingRetry, meteredStore, type PublishTally, recordOutcome } from './publish-metrics.ts';
import { createSnsClient, SnsDeskNotifier } from './sns-desk-notifier.ts';

/**
 * The build function: S3 notifications for `incoming/…` → decoded upload events → the publish
 * use case, one record after another. Wiring only; the steps live in shared/publish.
 */

/** Sequencers are hex of varying length: left-pad before comparing (S3 documentation). */
const sequencerWidth = 64;
const sortableSequencer = (sequencer: string | undefined) => (sequencer ?? '').padStart(sequencerWidth, '0');

/** Turn the notification's records into upload events; records the function must not act on are logged. */
export const uploadEventsOf = (event: S3Event, warn: PublishDeps['log']['warn']): UploadEvent[] => {
  const events: UploadEvent[] = [];
  for (const record of event.Records ?? []) {
    const type = eventType(record);
    if (type === undefined) {
      warn('ignoring an S3 event that is neither a creation nor a removal', { eventName: record.eventName });
      continue;
    }
    let key: string;
    try {
      key = decodeS3Key(record.s3.object.key);
    } catch (error) {
      if (!(error instanceof InvalidUploadError)) throw error;
      warn('ignoring an S3 event with a malformed key', { rawKey: record.s3.object.key });
      continue;
    }
    // The notification filters on the prefix; a record outside it is a misconfiguration, and
    // acting on it could make the function consume its own output.
    if (!key.startsWith(inputPrefix)) {
      warn('ignoring an S3 event outside the input prefix', { key, inputPrefix });
      continue;
    }
    events.push({ type, key, sequencer: record.s3.object.sequencer });
  }
  // Order events of one key by sequencer; keys keep the order of their first record.
  const firstSeen = new Map<string, number>();
  events.forEach((e, i) => {
    if (!firstSeen.has(e.key)) firstSeen.set(e.key, i);
  });
  return events
    .map((e, i) => ({ e, i }))
    .sort(
      (a, b) =>
        firstSeen.get(a.e.key)! - firstSeen.get(b.e.key)! ||
        (sortableSequencer(a.e.sequencer) < sortableSequencer(b.e.sequencer)
          ? -1
          : sortableSequencer(a.e.sequencer) > sortableSequencer(b.e.sequencer)
            ? 1
            : a.i - b.i),
    )
    .map(({ e }) => e);
};

const eventType = (record: S3EventRecord): UploadEvent['type'] | undefined =>
  record.eventName.startsWith('ObjectCreated:')
    ? 'created'
    : record.eventName.startsWith('ObjectRemoved:')
      ? 'removed'
      : undefined;

/** The build function's dependencies: the use case's, plus what only the edge uses. */
export interface BuildFeedsDeps extends PublishDeps {
  /** Default: the global fetch. Tests pass their own. */
  fetch?: typeof fetch;
  /** Where a rejected upload is announced (production: the desk's SNS topic, when configured). */
  desk?: DeskNotifier;
  /** Powertools logger and metrics (production; `log` then writes through the same logger). */
  instruments?: Instruments;
  /** IndexNow / Baidu pings after a publish that changed articles; none when absent. */
  searchPings?: SearchPingConfig;
  /**
   * Hears the outcome of every record the use case published, rejected or found unchanged, as
   * soon as it is known (before the notifications, and even when another record of the event
   * fails). Lambda ignores it; the local publisher and tests print and assert from it.
   */
  onHandled?: (handled: HandledUpload) => void;
}

/** What the build function did with one record: the use case's outcome and the feeds it changed. */
export interface HandledUpload {
  upload: UploadEvent;
  outcome: PublishOutcome;
  /** Slugs of the feeds whose subscription documents the publish wrote or deleted (`all` first). */
  feedsChanged: string[];
}

/** One upload through the use case, measured when the function has metrics. */
const publishMeasured = async (deps: BuildFeedsDeps, upload: UploadEvent): Promise<PublishOutcome> => {
  const metrics = deps.instruments?.metrics;
  if (metrics === undefined) return publishUpload(deps, upload);
  const tally: PublishTally = { retries: 0, feedBytes: 0 };
  const started = performance.now();
  const outcome = await publishUpload(
    {
      ...deps,
      site: meteredStore(deps.site, tally),
      retry: countingRetry(deps.retry ?? defaultRetryPolicy, tally),
    },
    upload,
  );
  recordOutcome(metrics, outcome, tally, performance.now() - started);
  return outcome;
};

/**
 * The handler for given dependencies (or a factory, called once on the first invocation).
 * Every record is handled; when any fails, the others still run and the invocation then throws
 * so Lambda retries the event — safe, because publishing is idempotent. Bad uploads do not
 * throw: the use case reports them. After each upload, the WebSub hub (when configured) hears
 * of the subscription feeds that upload changed; that ping never fails the invocation.
 */
export const createHandler = (deps: BuildFeedsDeps | (() => BuildFeedsDeps)) => {
  let resolved: BuildFeedsDeps | undefined = typeof deps === 'function' ? undefined : deps;
  return async (event: S3Event, context?: Context): Promise<void> => {
    resolved ??= (deps as () => BuildFeedsDeps)();
    const current = resolved;
    const logger = current.instruments?.logger;
    // Cold start and request id on every line of this invocation.
    if (context !== undefined) logger?.addContext(context);
    const failures: unknown[] = [];
    try {
      for (const upload of uploadEventsOf(event, (message, fields) => current.log.warn(message, fields))) {
        // Every line logged while this upload is handled carries its key.
        logger?.appendKeys({ uploadKey: upload.key });
        try {
          const outcome = await publishMeasured(current, upload);
          current.log.info('upload handled', {
            key: upload.key,
            type: upload.type,
            status: outcome.status,
            date: outcome.date,
            written: outcome.written.length,
          });
          current.onHandled?.({ upload, outcome, feedsChanged: changedFeedSlugs(outcome.written) });
          // The desk hears of a refused page now, not when a reader misses it. A failed notice
          // fails the record: Lambda retries the event, which rejects (idempotently) and tells again.
          if (!outcome.report.ok && current.desk !== undefined)
            await current.desk.notify(rejectionNotice(outcome.report));
          const notify = {
            fetch: current.fetch ?? globalThis.fetch,
            log: current.log,
            config: current.config,
          };
          await Promise.all([
            notifyHub(notify, changedFeedUrls(current.config.siteUrl, outcome.written)),
            notifySearchEngines(
              { ...notify, pings: current.searchPings ?? {} },
              changedPermalinks(current.config.siteUrl, outcome.written),
            ),
          ]);
        } catch (error) {
          current.log.error('upload failed; the event will be retried', {
            key: upload.key,
            type: upload.type,
            error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          });
          failures.push(error);
        } finally {
          logger?.removeKeys(['uploadKey']);
        }
      }
    } finally {
      current.instruments?.metrics.publishStoredMetrics();
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw new AggregateError(failures, `${failures.length} uploads failed`);
  };
};

/**
 * Production wiring, read once at cold start (first invocation, so importing this module needs
 * no environment): site config, bucket names, one S3 client for both buckets, the desk's topic
 * and the CDN's distribution when the stack set them.
 */
export const productionDeps = (env: Record<string, string | undefined> = process.env): BuildFeedsDeps => {
  const config = siteConfigFromEnvironment(env);
  const ingestBucket = env[ingestBucketEnv];
  const siteBucket = env[siteBucketEnv];
  if (!ingestBucket) throw new ConfigError(`${ingestBucketEnv} is required`);
  if (!siteBucket) throw new ConfigError(`${siteBucketEnv} is required`);
  const client = createS3Client(env.AWS_REGION ? { region: env.AWS_REGION } : {});
  const deskTopicArn = env[deskTopicEnv];
  const distributionId = env[cdnDistributionEnv];
  const instruments = createInstruments(serviceNames.build);
  const log = logOf(instruments.logger);
  return {
    input: new S3Store({ client, bucket: ingestBucket }),
    site: new S3Store({ client, bucket: siteBucket }),
    clock: systemClock,
    log,
    config,
    fetch: globalThis.fetch,
    instruments,
    ...(deskTopicArn
      ? { desk: new SnsDeskNotifier({ client: createSnsClient(env.AWS_REGION), topicArn: deskTopicArn }) }
      : {}),
    ...(distributionId
      ? {
          cdn: new CloudFrontInvalidator({
            client: createCloudFrontClient(env.AWS_REGION),
            distributionId,
            clock: systemClock,
            log,
          }),
        }
      : {}),
    searchPings: searchPingConfigFromEnvironment(env, config),
  };
};

/** The Lambda entry point. */
export const handler = createHandler(() => productionDeps());
