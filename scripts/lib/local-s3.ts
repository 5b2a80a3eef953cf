import type { S3Client } from '@aws-sdk/client-s3';
import { S3Store } from '../../shared/storage/s3-store.ts';
import type { Store } from '../../shared/storage/store.ts';
import { startS3rver } from './s3rver-server.ts';

/** An object created or removed through the local S3 endpoint (raw key, as s3rver gives it). */
export interface LocalS3Change {
  type: 'created' | 'removed';
  key: string;
  size?: number;
  eTag?: string;
}

export interface LocalS3Options {
  /** Where s3rver keeps buckets and objects (its own layout, not the inbox's). */
  directory: string;
  host: string;
  /** 0 = ephemeral. */
  port: number;
  bucket: string;
  /** Called for every object event of the bucket; the caller filters on the input prefix. */
  onObject: (change: LocalS3Change) => void;
}

/** A running S3-compatible endpoint and the input store reading from it. */
export interface LocalS3 {
  endpoint: string;
  port: number;
  bucket: string;
  /** S3Store over the endpoint: the build handler reads uploads through the S3 API, as on AWS. */
  input: Store;
  client: S3Client;
  close(): Promise<void>;
}

/**
 * Start the S3-compatible endpoint of `npm start --s3`: s3rver on loopback with the bucket
 * created, conditional PUT enforced and listings that follow S3's order
 * (scripts/lib/s3rver-server.ts), plus the input store the build handler reads uploads through —
 * the S3 API, as on AWS. s3rver's events carry raw (not encoded) keys for every bucket; only this
 * bucket's are passed on, and the caller re-encodes them into a real S3-style event so the
 * handler's decode path runs.
 */
export const startLocalS3 = async (options: LocalS3Options): Promise<LocalS3> => {
  const server = await startS3rver({
    directory: options.directory,
    host: options.host,
    port: options.port,
    bucket: options.bucket,
    onObject: ({ bucket, ...change }) => {
      if (bucket === options.bucket) options.onObject(change);
    },
  });
  return {
    endpoint: server.endpoint,
    port: server.port,
    bucket: server.bucket,
    input: new S3Store({ client: server.client, bucket: server.bucket }),
    client: server.client,
    close: () => server.stop(),
  };
};
