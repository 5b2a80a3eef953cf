import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type LocalPublisher, startLocalPublisher } from '../../scripts/lib/local-publisher.ts';
import { issueFixturePages } from './support/local-site.ts';

const allItems = async (publisher: LocalPublisher) =>
  (
    (await (await fetch(`${publisher.url}/feeds/all/feed.json`)).json()) as {
      items: { id: string; url: string }[];
    }
  ).items;

describe('restarting the local publisher', () => {
  const dirs: string[] = [];
  const running: LocalPublisher[] = [];
  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop()));
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  const start = async (data: string, port: number, printed: string[]) => {
    const publisher = await startLocalPublisher({
      data,
      port,
      pollIntervalMs: 100,
      print: (line) => printed.push(line),
    });
    running.push(publisher);
    return publisher;
  };

  it('republishes nothing on the same address, what changed while it was stopped, and all after the site is deleted', async () => {
    const pages = await issueFixturePages();
    const data = await mkdtemp(join(tmpdir(), 'restart-'));
    dirs.push(data);
    await mkdir(join(data, 'incoming', '2024-11-30'), { recursive: true });
    await copyFile(pages.get('01')!, join(data, 'incoming', '2024-11-30', '01.txt'));
    const first = await start(data, 0, []);
    expect(first.uploads.map((u) => u.key)).toEqual(['incoming/2024-11-30/01.txt']);
    const port = first.port;
    await first.stop();

    const quiet = await start(data, port, []);
    expect(quiet.url).toBe(first.url);
    expect(quiet.uploads).toEqual([]);
    await quiet.stop();

    await copyFile(pages.get('02')!, join(data, 'incoming', '2024-11-30', '02.txt'));
    const again = await start(data, port, []);
    expect(again.uploads.map((u) => [u.key, u.ok])).toEqual([['incoming/2024-11-30/02.txt', true]]);
    await again.stop();

    // The site folder is derived data: deleting it republishes the whole inbox.
    await rm(join(data, 'site'), { recursive: true, force: true });
    const fresh = await start(data, port, []);
    expect(fresh.uploads.map((u) => [u.key, u.ok])).toEqual([
      ['incoming/2024-11-30/01.txt', true],
      ['incoming/2024-11-30/02.txt', true],
    ]);
    expect((await allItems(fresh)).length).toBeGreaterThan(0);
    await fresh.stop();
  });

  it('rebuilds the site for a new address so every feed link works against it', async () => {
    const pages = await issueFixturePages();
    const data = await mkdtemp(join(tmpdir(), 'restart-'));
    dirs.push(data);
    await mkdir(join(data, 'incoming', '2024-11-30'), { recursive: true });
    await copyFile(pages.get('01')!, join(data, 'incoming', '2024-11-30', '01.txt'));
    const first = await start(data, 0, []);
    const before = await allItems(first);
    await first.stop();

    // Another ephemeral port; the system could hand out the same one, so ask until it differs.
    let second: LocalPublisher | undefined;
    const printed: string[] = [];
    for (let i = 0; i < 5 && second === undefined; i++) {
      const candidate = await start(data, 0, printed);
      if (candidate.port !== first.port) second = candidate;
      else await candidate.stop();
    }
    expect(second).toBeDefined();
    expect(printed.some((l) => l.includes('Site address changed'))).toBe(true);
    const after = await allItems(second!);
    expect(after.map((i) => i.id.split(':').pop()).sort()).toEqual(
      before.map((i) => i.id.split(':').pop()).sort(),
    );
    for (const item of after) {
      expect(item.url.startsWith(`${second!.url}/articles/`), item.url).toBe(true);
      expect((await fetch(item.url)).status, item.url).toBe(200);
    }
  });
});
