import { CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import type { S3Event } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import {
  CloudFrontInvalidator,
  callerReferenceOf,
  maxPathsPerInvalidation,
} from '../../functions/build-feeds/cloudfront-invalidator.ts';
import { createHandler, productionDeps } from '../../functions/build-feeds/handler.ts';
import { createInstruments, logOf } from '../../functions/instruments.ts';
import { fixedClock } from '../../shared/clock.ts';
import { type Log, silentLog } from '../../shared/log.ts';
import { photoLikeJpeg } from '../media/generated-pictures.ts';
import { fixture, makeDeps, upload } from '../publish/publish-kit.ts';
import { capturedJsonLines } from '../support/captured-output.ts';

const at = '2024-12-01T02:00:00Z';

/** A CloudFront client whose `send` answers locally and records each command (no network). */
const mockedClient = () => {
  const client = new CloudFrontClient({ region: 'ap-east-1' });
  const commands: CreateInvalidationCommand[] = [];
  const send = vi.spyOn(client, 'send').mockImplementation((async (command: CreateInvalidationCommand) => {
    commands.push(command);
    return { Invalidation: { Id: `I${commands.length}`, Status: 'InProgress' } };
  }) as unknown as CloudFrontClient['send']);
  return { client, commands, send };
};

/** The adapter on distribution E2EXAMPLE at a fixed time. */
const invalidatorOf = (client: CloudFrontClient, log: Log = silentLog) =>
  new CloudFrontInvalidator({ client, distributionId: 'E2EXAMPLE', clock: fixedClock(at), log });

describe('CloudFrontInvalidator', () => {
  it('sends one CreateInvalidation for the distribution with the paths and a caller reference', async () => {
    const { client, commands } = mockedClient();
    const cdn = invalidatorOf(client);
    await cdn.invalidate(['/media/aa/800.jpg', '/media/bb/400.jpg']);
    expect(commands).toHaveLength(1);
    expect(commands[0]).toBeInstanceOf(CreateInvalidationCommand);
    expect(commands[0]!.input).toEqual({
      DistributionId: 'E2EXAMPLE',
      InvalidationBatch: {
        CallerReference: callerReferenceOf(['/media/bb/400.jpg', '/media/aa/800.jpg'], Date.parse(at)),
        Paths: { Quantity: 2, Items: ['/media/aa/800.jpg', '/media/bb/400.jpg'] },
      },
    });
    expect(commands[0]!.input.InvalidationBatch?.CallerReference).toMatch(/^1733018400000-[0-9a-f]{32}$/);
  });

  it('gives every call its own caller reference: other time or other paths', () => {
    const paths = ['/media/aa/800.jpg'];
    const now = Date.parse(at);
    expect(callerReferenceOf(paths, now)).toBe(callerReferenceOf([...paths], now));
    expect(callerReferenceOf(paths, now + 1)).not.toBe(callerReferenceOf(paths, now));
    expect(callerReferenceOf(['/media/bb/800.jpg'], now)).not.toBe(callerReferenceOf(paths, now));
  });

  it('splits more paths than one request may carry into several requests', async () => {
    const { client, commands } = mockedClient();
    const cdn = invalidatorOf(client);
    const paths = Array.from({ length: maxPathsPerInvalidation + 1 }, (_, i) => `/media/${i}/800.jpg`);
    await cdn.invalidate(paths);
    expect(commands.map((c) => c.input.InvalidationBatch?.Paths?.Quantity)).toEqual([
      maxPathsPerInvalidation,
      1,
    ]);
    expect(commands.flatMap((c) => c.input.InvalidationBatch?.Paths?.Items ?? [])).toEqual(paths);
  });

  it('throws what CloudFront answers, so the publish fails and is retried', async () => {
    const { client, send } = mockedClient();
    send.mockRejectedValueOnce(new Error('TooManyInvalidationsInProgress'));
    const cdn = invalidatorOf(client);
    await expect(cdn.invalidate(['/media/aa/800.jpg'])).rejects.toThrow('TooManyInvalidationsInProgress');
  });
});

describe('build-feeds handler: the CDN', () => {
  const wiring = { SITE_URL: 'https://news.example.cn', INGEST_BUCKET: 'ingest', SITE_BUCKET: 'site' };

  it('wires CloudFront when the stack names the distribution, and no CDN otherwise', () => {
    expect(productionDeps({ ...wiring, CDN_DISTRIBUTION_ID: 'E2EXAMPLE' }).cdn).toBeInstanceOf(
      CloudFrontInvalidator,
    );
    expect(productionDeps(wiring).cdn).toBeUndefined();
  });

  it('invalidates the renditions of a deleted photo and logs them', async () => {
    const date = '2024-11-30';
    const photoKey = `incoming/${date}/01-古城韵味.jpg`;
    const { client, commands } = mockedClient();
    const instruments = createInstruments('build-feeds');
    const log = logOf(instruments.logger);
    const cdn = invalidatorOf(client, log);
    const deps = { ...makeDeps(), log, instruments, cdn };
    const event = (eventName: string, key: string) =>
      ({
        Records: [
          {
            eventName,
            s3: { object: { key: encodeURIComponent(key).replace(/%2F/g, '/'), sequencer: '1' } },
          },
        ],
      }) as unknown as S3Event;
    const handler = createHandler(deps);
    await upload(deps.input, `incoming/${date}/01.txt`, fixture('01'));
    await upload(deps.input, photoKey, await photoLikeJpeg(800, 600, 1));
    await handler(event('ObjectCreated:Put', `incoming/${date}/01.txt`));
    await handler(event('ObjectCreated:Put', photoKey));
    const renditions: string[] = [];
    for await (const key of deps.site.list('media/')) renditions.push(`/${key}`);
    expect(renditions).toHaveLength(4);
    expect(commands).toEqual([]);
    await deps.input.delete(photoKey);
    const { logs } = await capturedJsonLines(() => handler(event('ObjectRemoved:Delete', photoKey)));
    expect(commands).toHaveLength(1);
    expect(commands[0]!.input.DistributionId).toBe('E2EXAMPLE');
    expect([...(commands[0]!.input.InvalidationBatch?.Paths?.Items ?? [])].sort()).toEqual(renditions.sort());
    const line = logs.find((l) => l.message === 'CDN invalidation created');
    expect(line).toMatchObject({ distributionId: 'E2EXAMPLE', invalidationId: 'I1', uploadKey: photoKey });
    expect([...((line?.paths as string[] | undefined) ?? [])].sort()).toEqual(renditions);
  });
});
