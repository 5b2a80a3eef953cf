/**
 * Environment variable names set by infra/ on the functions, beside the site config names in
 * `configEnvironmentNames` (shared/config.ts). One place so infra and handlers cannot drift.
 */

/** Bucket holding uploads (`incoming/…`), read by the build function. */
export const ingestBucketEnv = 'INGEST_BUCKET';

/** Bucket holding the published site, written by the build function, read by the permalink function. */
export const siteBucketEnv = 'SITE_BUCKET';

/**
 * Set on the permalink function when no custom domain is configured: the name of the request
 * header carrying the viewer's host (CloudFront copies it there), from which the site URL is
 * built per request. The distribution's domain cannot be passed in (a CloudFormation cycle).
 */
export const siteHostHeaderEnv = 'SITE_HOST_HEADER';

/**
 * Set on the build function: ARN of the SNS topic that tells the desk about rejected uploads
 * (key, error code, location). Unset: rejections are only reported in `reports/` and the logs.
 */
export const deskTopicEnv = 'DESK_TOPIC_ARN';

/**
 * Set on the build function: id of the CloudFront distribution serving the site, where the
 * renditions of a replaced or retracted photo are invalidated once deleted (docs/photos.md).
 * Unset (the local run): no CDN to tell.
 */
export const cdnDistributionEnv = 'CDN_DISTRIBUTION_ID';
