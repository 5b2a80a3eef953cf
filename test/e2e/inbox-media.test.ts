import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalPublisher } from '../../scripts/lib/local-publisher.ts';
import type { PublishedIssue } from '../../shared/model/published.ts';
import { photoLikeJpeg } from '../media/generated-pictures.ts';
import { eventually, type StartedSite, startSite } from './support/local-site.ts';

/** `npm start`: pictures and PDFs dropped into the inbox publish and are served as on AWS. */
describe('the inbox publishes photos and page facsimiles', () => {
  let started: StartedSite;
  const folder = () => join(started.publisher.inboxDir, '2024-11-30');
  const handled = (key: string, type: 'created' | 'removed' = 'created') =>
    eventually(`${key} to be handled`, async () =>
      started.publisher.uploads.find((u) => u.key === key && u.type === type),
    );
  const issue = async () =>
    (await (
      await fetch(`${started.publisher.url}/articles/2024-11-30/`, {
        headers: { accept: 'application/json' },
      })
    ).json()) as PublishedIssue;

  beforeAll(async () => {
    started = await startSite({ pages: ['01'] });
  });
  afterAll(async () => {
    await started?.close();
  });

  it('publishes a dropped photo and serves its renditions with their type and a year of caching', async () => {
    await writeFile(join(folder(), '01-古城韵味.jpg'), await photoLikeJpeg(1600, 1200, 21));
    const outcome = await handled('incoming/2024-11-30/01-古城韵味.jpg');
    expect(outcome.ok).toBe(true);
    const article = (await issue()).pages[0]!.articles.find((a) => a.title.startsWith('古城韵味'))!;
    const photo = article.photos?.[0];
    expect(photo?.credit?.photographers).toEqual(['刘芸']);
    for (const rendition of [photo!.large, photo!.thumbnail, photo!.webp!.large]) {
      const response = await fetch(`${started.publisher.url}/${rendition.key}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(rendition.type);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect((await response.arrayBuffer()).byteLength).toBe(rendition.bytes);
    }
  });

  it('publishes a page PDF as the facsimile and serves it as a PDF', async () => {
    await writeFile(join(folder(), '01.pdf'), '%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    expect((await handled('incoming/2024-11-30/01.pdf')).ok).toBe(true);
    const facsimile = (await issue()).pages[0]!.facsimile;
    const response = await fetch(`${started.publisher.url}/${facsimile!.document.key}`);
    expect(response.headers.get('content-type')).toBe('application/pdf');
  });

  it('reports an SVG dropped as a photo and publishes nothing from it', async () => {
    await writeFile(join(folder(), '01-古城韵味-2.png'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    const outcome = await handled('incoming/2024-11-30/01-古城韵味-2.png');
    expect([outcome.ok, outcome.report?.ok === false ? outcome.report.code : 'ok']).toEqual([
      false,
      'svg-image',
    ]);
  });

  it('takes a deleted photo off its article and stops serving its renditions', async () => {
    const before = (await issue()).pages[0]!.articles.flatMap((a) => a.photos ?? []);
    expect(before).toHaveLength(1);
    await rm(join(folder(), '01-古城韵味.jpg'));
    expect((await handled('incoming/2024-11-30/01-古城韵味.jpg', 'removed')).ok).toBe(true);
    expect((await issue()).pages[0]!.articles.flatMap((a) => a.photos ?? [])).toEqual([]);
    expect((await fetch(`${started.publisher.url}/${before[0]!.large.key}`)).status).toBe(404);
  });
});

describe('the inbox under limits set on the command line', () => {
  let started: StartedSite;
  beforeAll(async () => {
    started = await startSite({ pages: ['01'], extra: { config: { maxImagePixels: '1000000' } } });
  });
  afterAll(async () => {
    await started?.close();
  });

  it('refuses a photo over --max-image-pixels, naming the key to raise', async () => {
    const key = 'incoming/2024-11-30/01-古城韵味.jpg';
    await writeFile(
      join(started.publisher.inboxDir, '2024-11-30', '01-古城韵味.jpg'),
      await photoLikeJpeg(1250, 1000, 4),
    );
    const outcome = await eventually(`${key} to be handled`, async () =>
      started.publisher.uploads.find((u) => u.key === key),
    );
    expect(outcome.report).toMatchObject({ ok: false, code: 'too-many-pixels' });
    expect(outcome.report?.ok === false && outcome.report.message).toContain('(maxImagePixels)');
  });

  it('refuses to start with a limit out of range, before creating anything', async () => {
    const data = join(tmpdir(), `never-created-${process.pid}`);
    await expect(startLocalPublisher({ data, port: 0, config: { maxImagePixels: '10' } })).rejects.toThrow(
      /maxImagePixels/,
    );
    expect(existsSync(data)).toBe(false);
  });
});
