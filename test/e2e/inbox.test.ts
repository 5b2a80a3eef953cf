import { copyFile, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, issueFixturePages, type StartedSite, startSite } from './support/local-site.ts';

/** Every file under the site's feeds/ folder and the OPML, path → bytes. */
const feedFiles = async (siteDir: string) => {
  const files = new Map<string, Buffer>();
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else files.set(relative(siteDir, full), await readFile(full));
    }
  };
  await walk(join(siteDir, 'feeds'));
  const opml = join(siteDir, 'feeds.opml');
  files.set('feeds.opml', await readFile(opml));
  return files;
};

const feedItemIds = async (url: string) => {
  const json = (await (await fetch(`${url}/feeds/all/feed.json`)).json()) as {
    items: { id: string; url: string }[];
  };
  return json.items;
};

describe('the inbox folder publishes what is dropped into it', () => {
  let started: StartedSite;
  let pages: Map<string, string>;

  beforeAll(async () => {
    pages = await issueFixturePages();
    // Start with the front page only; page 2 arrives through the inbox during the test.
    started = await startSite({ pages: ['01'] });
  });
  afterAll(async () => {
    await started?.close();
  });

  it('published the front page at start and printed what it published', async () => {
    expect(started.publisher.uploads.map((u) => [u.key, u.ok])).toEqual([
      ['incoming/2024-11-30/01.txt', true],
    ]);
    expect(started.printed.join('\n')).toContain('incoming/2024-11-30/01.txt');
    expect(started.printed.join('\n')).toContain(`${started.publisher.url}/feeds.opml`);
    expect((await feedItemIds(started.publisher.url)).length).toBeGreaterThan(0);
  });

  it('publishes a page dropped into the inbox within seconds', async () => {
    const second = [...pages.keys()].find((p) => p !== '01');
    expect(second, 'a second fixture page of the issue').toBeDefined();
    const before = new Set((await feedItemIds(started.publisher.url)).map((i) => i.id));
    await copyFile(pages.get(second!)!, join(started.publisher.inboxDir, '2024-11-30', `${second}.txt`));
    const key = `incoming/2024-11-30/${second}.txt`;
    const outcome = await eventually(`${key} to be published`, async () =>
      started.publisher.uploads.find((u) => u.key === key),
    );
    expect(outcome.ok).toBe(true);
    expect(outcome.feedsTouched).toContain('all');
    expect(outcome.pages).toContain(Number(second));
    const after = await feedItemIds(started.publisher.url);
    const added = after.filter((i) => !before.has(i.id));
    expect(added.length).toBeGreaterThan(0);
    // Each new item's page answers, so the feed never points at a missing record.
    for (const item of added) expect((await fetch(item.url)).status, item.url).toBe(200);
  });

  it('publishes a file whose name carries Chinese (版名), through the S3 key encoding', async () => {
    const page04 = pages.get('04');
    expect(page04, 'fixture page 4').toBeDefined();
    await started.publisher.whenIdle();
    const key = 'incoming/2024-11-30/04-要闻.txt';
    await copyFile(page04!, join(started.publisher.inboxDir, '2024-11-30', '04-要闻.txt'));
    const outcome = await eventually(`${key} to be handled`, async () =>
      started.publisher.uploads.find((u) => u.key === key),
    );
    expect(outcome.report?.ok === true ? 'ok' : outcome.report).toBe('ok');
    expect(outcome.pages).toContain(4);
    const report = await fetch(`${started.publisher.url}/reports/${encodeURI(key)}.json`);
    expect(report.status).toBe(200);
  });

  it('writes a report for a bad file and leaves every feed byte-identical', async () => {
    await started.publisher.whenIdle();
    const before = await feedFiles(started.publisher.siteDir);
    const key = 'incoming/2024-11-30/09.txt';
    // Binary junk with a page-text name: the reader must refuse it.
    await writeFile(
      join(started.publisher.inboxDir, '2024-11-30', '09.txt'),
      Buffer.from([0, 1, 2, 255, 254, 0, 0, 7]),
    );
    const outcome = await eventually(`${key} to be handled`, async () =>
      started.publisher.uploads.find((u) => u.key === key),
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.feedsTouched).toEqual([]);
    expect(started.printed.some((l) => l.includes(key) && l.includes(outcome.report?.code ?? '?'))).toBe(
      true,
    );

    const report = await fetch(`${started.publisher.url}/reports/${key}.json`);
    expect(report.status).toBe(200);
    const body = (await report.json()) as { ok: boolean; code: string; message: string };
    expect(body.ok).toBe(false);
    expect(body.code).toMatch(/^[a-z-]+$/);
    expect(body.message.length).toBeGreaterThan(0);

    const after = await feedFiles(started.publisher.siteDir);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [path, bytes] of before) expect(after.get(path)?.equals(bytes), path).toBe(true);
  });

  it('retracts the articles of a deleted upload from the feeds', async () => {
    await started.publisher.whenIdle();
    const second = [...pages.keys()].find((p) => p !== '01')!;
    const key = `incoming/2024-11-30/${second}.txt`;
    const before = await feedItemIds(started.publisher.url);
    await rm(join(started.publisher.inboxDir, '2024-11-30', `${second}.txt`));
    const outcome = await eventually(`${key} removal`, async () =>
      started.publisher.uploads.find((u) => u.key === key && u.type === 'removed'),
    );
    expect(outcome.ok).toBe(true);
    const after = await feedItemIds(started.publisher.url);
    expect(after.length).toBeLessThan(before.length);
  });
});
