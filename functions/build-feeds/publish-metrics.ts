import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { buildMetrics, rejectionCodeDimension } from '../../shared/operations/metric-names.ts';
import type { PublishOutcome } from '../../shared/publish/publish-upload.ts';
import type { RetryPolicy } from '../../shared/publish/store-io.ts';
import { sitePrefixes } from '../../shared/site-layout.ts';
import type { Store } from '../../shared/storage/store.ts';

/**
 * What one upload's publish tells the operator, as metrics. Counting happens at the edge by
 * decorating what the use case is handed (its retry policy, its site store), so the core needs
 * no metrics hook at all.
 */

/** A per-upload tally filled while the use case runs. */
export interface PublishTally {
  retries: number;
  feedBytes: number;
}

/** The same policy, counting every repeated attempt (a lost conditional write or a settle pass). */
export const countingRetry = (policy: RetryPolicy, tally: PublishTally): RetryPolicy => ({
  attempts: policy.attempts,
  pause: (attempt) => {
    tally.retries += 1;
    return policy.pause(attempt);
  },
});

/** The same store, adding the bytes of every write under `feeds/` to the tally. */
export const meteredStore = (store: Store, tally: PublishTally): Store => ({
  get: (key) => store.get(key),
  put: async (key, body, options) => {
    const result = await store.put(key, body, options);
    if (key.startsWith(sitePrefixes.feeds))
      tally.feedBytes += typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    return result;
  },
  delete: (key) => store.delete(key),
  list: (prefix) => store.list(prefix),
});

/** Add one upload's outcome to the invocation's metrics (flushed by the handler). */
export const recordOutcome = (
  metrics: Metrics,
  outcome: PublishOutcome,
  tally: PublishTally,
  durationMs: number,
): void => {
  const { report } = outcome;
  if (!report.ok) {
    // Its own EMF line: the `code` dimension must not attach to the invocation's other metrics.
    metrics
      .singleMetric()
      .addDimension(rejectionCodeDimension, report.code)
      .addMetric(buildMetrics.uploadsRejected, MetricUnit.Count, 1);
  } else if (outcome.status === 'retracted') {
    metrics.addMetric(buildMetrics.uploadsRetracted, MetricUnit.Count, 1);
    metrics.addMetric(buildMetrics.articlesRetracted, MetricUnit.Count, report.articles);
  } else if (outcome.status === 'unchanged') {
    metrics.addMetric(buildMetrics.uploadsUnchanged, MetricUnit.Count, 1);
  } else {
    metrics.addMetric(buildMetrics.uploadsPublished, MetricUnit.Count, 1);
    metrics.addMetric(buildMetrics.articlesPublished, MetricUnit.Count, report.articles);
  }
  metrics.addMetric(buildMetrics.publishDuration, MetricUnit.Milliseconds, durationMs);
  metrics.addMetric(buildMetrics.conditionalWriteRetries, MetricUnit.Count, tally.retries);
  metrics.addMetric(buildMetrics.feedBytesWritten, MetricUnit.Bytes, tally.feedBytes);
};
