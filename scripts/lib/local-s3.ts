import type { EventEmitter } from 'node:events';
import type { S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { createS3Client, S3Store } from '../../shared/storage/s3-store.ts';
import type { Store } from '../../shared/storage/store.ts';
import { formatOrigin } from './local-server.ts';

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

/** The part of s3rver's event (an S3 notification) read here. */
interface S3rverEvent {
  Records: {
    eventName: string;
    s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string } };
  }[];
}

/**
 * Start s3rver on loopback with the bucket created, and report its object events. The endpoint
 * accepts the S3RVER/S3RVER credentials s3rver always uses. s3rver's events carry raw (not
 * encoded) keys for every bucket; the caller re-encodes them into a real S3-style event, so the
 * handler's decode path runs as on AWS.
 *
 * Written on s3rver directly: the local run only reads from this bucket, so the conditional-write
 * wrapper of scripts/lib/s3rver-server.ts (needed for stores that are written concurrently) is
 * not required here.
 */
export const startLocalS3 = async (options: LocalS3Options): Promise<LocalS3> => {
  const server = new S3rver({
    address: options.host,
    port: options.port,
    directory: options.directory,
    silent: true,
    configureBuckets: [{ name: options.bucket, configs: [] }],
  });
  // s3rver is a Koa app (an EventEmitter); its typings leave that out.
  (server as unknown as EventEmitter).on('event', (event: S3rverEvent) => {
    for (const record of event.Records) {
      if (record.s3.bucket.name !== options.bucket) continue;
      const { key, size, eTag } = record.s3.object;
      const type = record.eventName.startsWith('ObjectRemoved:') ? 'removed' : 'created';
      options.onObject({
        type,
        key,
        ...(size === undefined ? {} : { size }),
        ...(eTag === undefined ? {} : { eTag }),
      });
    }
  });
  const address = await server.run();
  const endpoint = formatOrigin(options.host, address.port);
  const client = createS3Client({
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  return {
    endpoint,
    port: address.port,
    bucket: options.bucket,
    input: new S3Store({ client, bucket: options.bucket }),
    client,
    async close() {
      client.destroy();
      await server.close();
    },
  };
};
