/**
 * S3 notification events built for local uploads, so a file dropped in the inbox goes through
 * the build handler's own decode path (form-urlencoded keys) exactly as on AWS.
 */

/** The parts of an S3 event notification record the build handler reads. */
export interface LocalS3EventRecord {
  eventVersion: '2.1';
  eventSource: 'aws:s3';
  awsRegion: string;
  eventTime: string;
  eventName: 'ObjectCreated:Put' | 'ObjectRemoved:Delete';
  s3: {
    s3SchemaVersion: '1.0';
    configurationId: string;
    bucket: { name: string; arn: string };
    object: { key: string; size?: number; eTag?: string; sequencer: string };
  };
}

export interface LocalS3Event {
  Records: LocalS3EventRecord[];
}

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
}): LocalS3Event => ({
  Records: [
    {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'local',
      eventTime: change.at.toISOString(),
      eventName: change.type === 'created' ? 'ObjectCreated:Put' : 'ObjectRemoved:Delete',
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'local-inbox',
        bucket: { name: change.bucket, arn: `arn:aws:s3:::${change.bucket}` },
        object: {
          key: encodeS3EventKey(change.key),
          sequencer: change.sequencer,
          ...(change.size === undefined ? {} : { size: change.size }),
          ...(change.eTag === undefined ? {} : { eTag: change.eTag.replace(/"/g, '') }),
        },
      },
    },
  ],
});
