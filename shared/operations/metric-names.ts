/**
 * The operator's view, named once: the CloudWatch namespace, the service names and the metrics
 * the functions emit (embedded metric format, functions/) and the dashboard and alarms read
 * (infra/). Both sides import these, so a renamed metric cannot leave a graph empty.
 */

/** CloudWatch namespace of every custom metric. */
export const metricsNamespace = 'QuzhouDailyPublisher';

/** `service` dimension (Powertools' default dimension) of each function. */
export const serviceNames = {
  build: 'build-feeds',
  serve: 'serve-article',
} as const;

/** Metrics of the build function; every one carries the `service` dimension only, except where noted. */
export const buildMetrics = {
  /** Uploads that changed the site (count). */
  uploadsPublished: 'UploadsPublished',
  /** Uploads whose content was already published (count). */
  uploadsUnchanged: 'UploadsUnchanged',
  /** Uploads refused; extra dimension `code` (the report's error code). */
  uploadsRejected: 'UploadsRejected',
  /** Uploads deleted, their articles retracted (count). */
  uploadsRetracted: 'UploadsRetracted',
  articlesPublished: 'ArticlesPublished',
  articlesRetracted: 'ArticlesRetracted',
  /** Wall time of one upload's publish, milliseconds. */
  publishDuration: 'PublishDuration',
  /** Conditional writes (and settle passes) repeated because another writer moved a document. */
  conditionalWriteRetries: 'ConditionalWriteRetries',
  /** Bytes written under `feeds/` (subscription documents and archives). */
  feedBytesWritten: 'FeedBytesWritten',
} as const;

/** Dimension carrying the error code of a rejected upload. */
export const rejectionCodeDimension = 'code';

/** Metric of the permalink function: one count per response, dimension `statusClass`. */
export const serveMetrics = {
  responses: 'Responses',
} as const;

/** Dimension carrying a response's status class (`2xx` … `5xx`). */
export const statusClassDimension = 'statusClass';

/** The status classes the permalink function reports. */
export const statusClasses = ['2xx', '3xx', '4xx', '5xx'] as const;

/** `2xx` … `5xx` for an HTTP status. */
export const statusClassOf = (status: number): (typeof statusClasses)[number] =>
  status >= 500 ? '5xx' : status >= 400 ? '4xx' : status >= 300 ? '3xx' : '2xx';
