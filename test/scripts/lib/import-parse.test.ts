import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listUploads, parseUploads, splitMedia, uploadInput } from '../../../scripts/lib/import-parse.ts';
import { StorageError } from '../../../shared/errors.ts';
import type { ParsedUpload } from '../../../shared/publish/import-uploads.ts';
import { MemoryStore } from '../../../shared/storage/memory-store.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/${name}`, import.meta.url));

const folder = async () => {
  const store = new MemoryStore();
  const put = (key: string, body: Uint8Array) =>
    store.put(key, body, { contentType: 'application/octet-stream', cacheControl: 'no-store' });
  await put('old/2024-11-30/04.txt', fixture('quzhou-daily-2024-11-30-page04.txt'));
  await put('old/2024-11-30/01.txt', fixture('quzhou-daily-2024-11-30-page01.txt'));
  await put('old/2024-11-30/03.txt', fixture('bad/binary.txt'));
  await put('old/2024-11-30/02.txt', fixture('quzhou-daily-2024-11-30-page02.txt'));
  await put('elsewhere/2024-11-30/05.txt', fixture('quzhou-daily-2024-11-30-page02.txt'));
  return { store, prefix: 'old/' };
};

const collect = async (source: Awaited<ReturnType<typeof folder>>, workers: number) => {
  const uploads = await listUploads(source);
  const parsed: ParsedUpload[] = [];
  for await (const upload of parseUploads(source, uploads, { maxBytes: 1 << 20, workers, readAhead: 2 }))
    parsed.push(upload);
  return parsed;
};

describe('parseUploads', () => {
  it('keys every object under the prefix as incoming/ + its path below it, in key order', async () => {
    expect((await listUploads(await folder())).map((u) => u.key)).toEqual([
      'incoming/2024-11-30/01.txt',
      'incoming/2024-11-30/02.txt',
      'incoming/2024-11-30/03.txt',
      'incoming/2024-11-30/04.txt',
    ]);
  });

  it('parses on worker threads what the calling thread parses, yielded in key order', async () => {
    const source = await folder();
    const inline = await collect(source, 0);
    expect(inline.map((u) => ('issue' in u ? u.issue.pages[0]?.number : u.rejected.code))).toEqual([
      1,
      2,
      'binary',
      4,
    ]);
    expect(await collect(source, 2)).toEqual(inline);
  });
});

const putText = (store: MemoryStore, key: string, body: string) =>
  store.put(key, body, { contentType: 'application/octet-stream', cacheControl: 'no-store' });

describe('the import source as publishing input', () => {
  it('lists photos and facsimiles apart from the text, and reads them as incoming/ keys', async () => {
    const bucket = new MemoryStore();
    await putText(bucket, 'back/2024-11-30/01.txt', 'text');
    await putText(bucket, 'back/2024-11-30/01-古城韵味.JPG', 'photo');
    await putText(bucket, 'back/2024-11-30/02.pdf', 'facsimile');
    await putText(bucket, 'elsewhere/2024-11-30/03.jpg', 'not the catalogue');
    const source = { store: bucket, prefix: 'back/' };
    const { text, media } = splitMedia(await listUploads(source));
    expect(text.map((u) => u.key)).toEqual(['incoming/2024-11-30/01.txt']);
    expect(media).toEqual(['incoming/2024-11-30/01-古城韵味.JPG', 'incoming/2024-11-30/02.pdf']);

    const input = uploadInput(source);
    const photo = await input.get('incoming/2024-11-30/01-古城韵味.JPG');
    expect(new TextDecoder().decode(photo!.body)).toBe('photo');
    expect(await input.get('back/2024-11-30/02.pdf')).toBeUndefined();
    const listed: string[] = [];
    for await (const key of input.list('incoming/2024-11-30/0')) listed.push(key);
    expect(listed).toEqual([
      'incoming/2024-11-30/01-古城韵味.JPG',
      'incoming/2024-11-30/01.txt',
      'incoming/2024-11-30/02.pdf',
    ]);
    await expect(
      input.put('incoming/x.txt', 'x', { contentType: 'text/plain', cacheControl: 'no-store' }),
    ).rejects.toBeInstanceOf(StorageError);
    await expect(input.delete('incoming/2024-11-30/01.txt')).rejects.toBeInstanceOf(StorageError);
  });
});
