/**
 * The CDN port: the publish tells the CDN in front of the site bucket to drop its copies of
 * objects it deleted. Media renditions are cached at the edge for a year (content-addressed,
 * `immutable`), so deleting the object alone would leave a retracted photo served until then.
 * Production: CloudFront (functions/build-feeds/cloudfront-invalidator.ts); no CDN locally.
 */
export interface CdnInvalidator {
  /**
   * Drop the edge copies of these URL paths (each from {@link cdnPathOf}); resolves once the CDN
   * accepted the request (not once every edge has dropped them). Throws when it was refused.
   */
  invalidate(paths: readonly string[]): Promise<void>;
}

// encodeURIComponent leaves `*` as it is, and in an invalidation path `*` is a wildcard.
const encodeSegment = (segment: string) => encodeURIComponent(segment).replace(/\*/g, '%2A');

/**
 * The CDN path of a site key: `/` + the key, each segment URL-encoded (CloudFront rejects a path
 * with non-ASCII or unsafe characters that are not encoded, and compares paths case-sensitively).
 */
export const cdnPathOf = (key: string): string => `/${key.split('/').map(encodeSegment).join('/')}`;
