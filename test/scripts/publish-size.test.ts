import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { publishCli, runChild, tsx } from './support/child.ts';

const mb = 1024 * 1024;
const rssReporter = fileURLToPath(new URL('./support/report-max-rss.mjs', import.meta.url));

/** A sparse file: `size` bytes on paper, no disk and no time to make. */
const sparseFile = async (path: string, size: number) => {
  const handle = await open(path, 'w');
  await handle.truncate(size);
  await handle.close();
};

const peakKb = (stderr: string) =>
  Math.max(...[...stderr.matchAll(/max-rss-kb (\d+)/g)].map((m) => Number(m[1])));

describe('oversized uploads in the CLIs', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('npm run publish reports a 200 MB upload as too-large without holding it in memory', async () => {
    const data = await mkdtemp(join(tmpdir(), 'publish-size-'));
    dirs.push(data);
    const file = join(data, 'huge.txt');
    await sparseFile(file, 200 * mb);
    const result = await runChild(
      tsx,
      ['scripts/publish.ts', '--data', data, '--key', 'incoming/2024-11-30/01.txt', file],
      {
        env: { NODE_OPTIONS: `--import=${rssReporter}` },
      },
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('rejected (too-large)');
    const report = JSON.parse(
      await readFile(join(data, 'site', 'reports', 'incoming', '2024-11-30', '01.txt.json'), 'utf8'),
    );
    expect(report).toMatchObject({ ok: false, code: 'too-large' });
    // Reading the file whole took 520 MB; the runtime and tsx alone take about 100 MB here.
    expect(peakKb(result.stderr)).toBeLessThan(180 * 1024);
  });

  it('npm run parse refuses a 200 MB file on its size', async () => {
    const data = await mkdtemp(join(tmpdir(), 'parse-size-'));
    dirs.push(data);
    const file = join(data, 'huge.txt');
    await sparseFile(file, 200 * mb);
    const result = await runChild(tsx, ['scripts/parse.ts', file, '--key', 'incoming/2024-11-30/01.txt'], {
      env: { NODE_OPTIONS: `--import=${rssReporter}` },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('rejected (too-large)');
    expect(peakKb(result.stderr)).toBeLessThan(180 * 1024);
  });

  it('still publishes an upload under the cap', async () => {
    const data = await mkdtemp(join(tmpdir(), 'publish-size-'));
    dirs.push(data);
    const result = await publishCli('--data', data, 'test/fixtures/quzhou-daily-2024-11-30-page01.txt');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✓ incoming/quzhou-daily-2024-11-30-page01.txt → 2024-11-30');
  });
});
