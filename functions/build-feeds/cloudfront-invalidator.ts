import { createHash } from 'node:crypto';
import { CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import type { Clock } from '../../shared/clock.ts';
import type { Log } from '../../shared/log.ts';
import type { CdnInvalidator } from '../../shared/publish/cdn-invalidation.ts';

/**
 * Paths per CreateInvalidation request. CloudFront allows 3,000 file paths in progress per
 * distribution at a time (Developer Guide, "Concurrent invalidation request maximum"); a release
 * deletes a handful of renditions, so more than one request is the exception.
 */
export const maxPathsPerInvalidation = 3000;

/**
 * The caller reference of one request: the clock's milliseconds and a hash of the sorted paths.
 * New for every call (CloudFront answers a reused reference with other paths with
 * InvalidationBatchAlreadyExists), yet the same when the SDK resends one request after a network
 * error, so CloudFront recognises the resend instead of creating a second invalidation.
 */
export const callerReferenceOf = (paths: readonly string[], nowMs: number): string =>
  `${nowMs}-${createHash('sha256')
    .update([...paths].sort().join('\n'))
    .digest('hex')
    .slice(0, 32)}`;

/** The CDN port on CloudFront: CreateInvalidation on the site's distribution. */
export class CloudFrontInvalidator implements CdnInvalidator {
  readonly #client: CloudFrontClient;
  readonly #distributionId: string;
  readonly #clock: Clock;
  readonly #log: Log;

  constructor(options: { client: CloudFrontClient; distributionId: string; clock: Clock; log: Log }) {
    this.#client = options.client;
    this.#distributionId = options.distributionId;
    this.#clock = options.clock;
    this.#log = options.log;
  }

  async invalidate(paths: readonly string[]): Promise<void> {
    for (let start = 0; start < paths.length; start += maxPathsPerInvalidation) {
      const batch = paths.slice(start, start + maxPathsPerInvalidation);
      const result = await this.#client.send(
        new CreateInvalidationCommand({
          DistributionId: this.#distributionId,
          InvalidationBatch: {
            CallerReference: callerReferenceOf(batch, this.#clock().getTime()),
            Paths: { Quantity: batch.length, Items: batch },
          },
        }),
      );
      this.#log.info('CDN invalidation created', {
        distributionId: this.#distributionId,
        invalidationId: result.Invalidation?.Id,
        paths: batch,
      });
    }
  }
}

/**
 * A CloudFront client. CloudFront's API is global; the region (AWS_REGION, set by Lambda) only
 * picks the partition's endpoint and signing region.
 */
export const createCloudFrontClient = (region: string | undefined): CloudFrontClient =>
  new CloudFrontClient(region === undefined ? {} : { region });
