import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { type S3rverServerOptions, startS3rver as startServer } from '../../scripts/lib/s3rver-server.ts';

/** A throwaway s3rver for one test file: loopback, ephemeral port, its own temp folder. */
export interface TestS3rver {
  endpoint: string;
  bucket: string;
  client: S3Client;
  /** Stop the server and remove its folder. */
  stop(): Promise<void>;
}

/**
 * Start s3rver on 127.0.0.1 (port chosen by the system) in a fresh temp folder, with one bucket
 * and conditional PUT enforced (see scripts/lib/s3rver-server.ts). Call `stop()` in `afterAll`.
 */
export const startS3rver = async (
  options: Partial<Pick<S3rverServerOptions, 'bucket' | 'onObject'>> = {},
): Promise<TestS3rver> => {
  const directory = await mkdtemp(join(tmpdir(), 's3rver-'));
  try {
    const server = await startServer({
      directory,
      host: '127.0.0.1',
      port: 0,
      bucket: options.bucket ?? 'test-bucket',
      ...(options.onObject === undefined ? {} : { onObject: options.onObject }),
    });
    return {
      endpoint: server.endpoint,
      bucket: server.bucket,
      client: server.client,
      async stop() {
        await server.stop();
        await rm(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
};
