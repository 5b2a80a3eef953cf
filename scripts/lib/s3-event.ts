import type { S3Event } from 'aws-lambda';

/**
 * S3 notification events built for local uploads, so a file dropped in the inbox goes through
 * the build handler's own decode path (form-urlencoded keys) exactly as on AWS.
 */

/**
 * Encode a key the way S3 writes it into notifications: each path segment percent-encoded
 * (UTF-8) with spaces as `+`, slashes kept, and a literal `+` as `%2B` — so a handler that
 * forgets to turn `+` back into a space, or decodes twice, fails here as it would on AWS.
 */
export const encodeS3EventKey = (key: string) =>
  key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%20/g, '+'))
    .join('/');

/**
 * Sequencers order events of one key. S3's are hex strings compared after left-padding; a
 * per-process counter of fixed width keeps that property for local events.
 */
export const createSequencer = (start = Date.now()) => {
  let next = BigInt(start) * 1000n;
  return () => {
    next += 1n;
    return next.toString(16).toUpperCase().padStart(16, '0');
  };
};

/** One S3-style event for an upload (`created`) or a deletion (`removed`) of `key`. */
export const s3EventFor = (change: {
  type: 'created' | 'removed';
  key: string;
  bucket: string;
  sequencer: string;
  size?: number;
  eTag?: string;
  at: Date;
}): S3Event => ({
  Records: [
    {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'local',
      eventTime: change.at.toISOString(),
      eventName: change.type === 'created' ? 'ObjectCreated:Put' : 'ObjectRemoved:Delete',
      userIdentity: { principalId: 'local' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': change.sequencer, 'x-amz-id-2': 'local' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'local-inbox',
        bucket: {
          name: change.bucket,
          ownerIdentity: { principalId: 'local' },
          arn: `arn:aws:s3:::${change.bucket}`,
        },
        object: {
          key: encodeS3EventKey(change.key),
          // S3 sends no size or ETag for deletions; the event type requires both, so a removal
          // carries 0 and '' (handlers must not read them for ObjectRemoved records).
          size: change.size ?? 0,
          eTag: change.eTag?.replace(/"/g, '') ?? '',
          sequencer: change.sequencer,
        },
      },
    },
  ],
});
