import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');

/** Run `npm start`'s script as a user would, collecting output until `until` matches. */
const startCli = (args: string[]) => {
  const child = spawn(tsx, ['scripts/start.ts', ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const waitFor = async (pattern: RegExp, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(stdout)) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`no ${pattern} in output:\n${stdout}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return stdout;
  };
  return { child, exited, waitFor, output: () => ({ stdout, stderr }) };
};

describe('npm start', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('publishes the bundled sample on first run, prints the URLs, and stops cleanly on Ctrl-C', async () => {
    const data = await mkdtemp(join(tmpdir(), 'npm-start-'));
    dirs.push(data);
    const cli = startCli(['--port', '0', '--data', data]);
    try {
      const out = await cli.waitFor(/Press Ctrl-C to stop/);
      expect(out).toMatch(/First run: publishing the bundled sample/);
      expect(out).toMatch(/✓ incoming\/2024-11-30\/01\.txt → 2024-11-30/);
      const url = /served at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out)?.[1];
      expect(url).toBeDefined();
      expect(out).toContain(`${url}/feeds.opml`);
      const home = await fetch(`${url}/`);
      expect(home.status).toBe(200);
      const opml = await fetch(`${url}/feeds.opml`);
      expect(opml.status).toBe(200);
      expect(await opml.text()).toContain(`${url}/feeds/all/rss.xml`);
    } finally {
      cli.child.kill('SIGINT');
    }
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(await readdir(join(data, 'incoming', '2024-11-30'))).toContain('01.txt');
  });

  it('exits 2 with the usage text on an unknown option', async () => {
    const cli = startCli(['--colour']);
    const { code } = await cli.exited;
    expect(code).toBe(2);
    expect(cli.output().stderr).toContain('Usage: npm start');
  });
});
