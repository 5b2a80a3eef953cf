import { describe, expect, it } from 'vitest';
import { processUpload } from '../../shared/publish/media-entry.ts';
import { renditionKeysOf } from '../../shared/publish/media-state.ts';
import { flat, photoLikeJpeg } from '../media/generated-pictures.ts';
import { config } from './publish-kit.ts';

/** Every object an upload writes is one its state entry records: else nothing ever deletes it. */
const expectOnlyRecordedObjects = (processed: Awaited<ReturnType<typeof processUpload>>) =>
  expect(processed.objects.map((o) => o.key).sort()).toEqual([...renditionKeysOf(processed.entry)].sort());

describe('processUpload', () => {
  it('records a photo with its JPEG and WebP renditions, and writes exactly those', async () => {
    const processed = await processUpload(
      { kind: 'photo', date: '2024-11-30', page: 1, label: '古城韵味', sequence: 1 },
      await photoLikeJpeg(1600, 1200, 5),
      config,
    );
    expect(processed.entry).toMatchObject({
      kind: 'photo',
      photo: {
        large: { type: 'image/jpeg', width: 1200, height: 900 },
        thumbnail: { type: 'image/jpeg', width: 400, height: 300 },
        webp: { large: { type: 'image/webp', width: 1200 }, thumbnail: { type: 'image/webp', width: 400 } },
      },
    });
    expectOnlyRecordedObjects(processed);
  });

  it('records a long picture taller than WebP can be without WebP', async () => {
    const processed = await processUpload(
      { kind: 'photo', date: '2024-11-30', page: 1, label: '长图', sequence: 1 },
      await flat(600, 16400, { r: 200, g: 200, b: 190 }).png().toBuffer(),
      config,
    );
    expect(processed.entry.kind === 'photo' && processed.entry.photo).toMatchObject({
      large: { type: 'image/jpeg', width: 600, height: 16400 },
      thumbnail: { type: 'image/jpeg', width: 15, height: 400 },
    });
    expect(processed.entry.kind === 'photo' && 'webp' in processed.entry.photo).toBe(false);
    expectOnlyRecordedObjects(processed);
  });
});

describe('processUpload of a page image', () => {
  it('writes only the renditions the facsimile entry records, so a replaced page leaves nothing behind', async () => {
    const processed = await processUpload(
      { kind: 'facsimile', date: '2024-11-30', page: 2, format: 'image' },
      await flat(1200, 1900, { r: 240, g: 236, b: 225 }).jpeg().toBuffer(),
      config,
    );
    expect(processed.entry).toMatchObject({
      kind: 'facsimile',
      page: 2,
      facsimile: {
        document: { type: 'image/jpeg', width: 1200, height: 1900 },
        thumbnail: { type: 'image/jpeg', width: 253, height: 400 },
      },
    });
    expectOnlyRecordedObjects(processed);
  });
});
