import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PublishedIssue } from '../../shared/model/published.ts';
import { runChild, tsx } from './support/child.ts';

const pages = ['01', '02', '04'].map((n) => `test/fixtures/quzhou-daily-2024-11-30-page${n}.txt`);

describe('npm run publish … | head -1', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('stops printing when the reader closes the pipe, finishes the work and exits 0', async () => {
    const data = await mkdtemp(join(tmpdir(), 'publish-pipe-'));
    dirs.push(data);
    // bash for PIPESTATUS: the publisher's own exit status, not head's.
    const result = await runChild('bash', [
      '-c',
      `"$0" scripts/publish.ts --data "$1" "$2" "$3" "$4" | head -1; echo "publish exited \${PIPESTATUS[0]}" >&2`,
      tsx,
      data,
      ...pages,
    ]);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toMatch(/^✓ incoming\/quzhou-daily-2024-11-30-page01\.txt/);
    expect(result.stderr).not.toMatch(/EPIPE|Error/);
    expect(result.stderr).toContain('publish exited 0');
    const issue = JSON.parse(
      await readFile(join(data, 'site', 'issues', '2024-11-30.json'), 'utf8'),
    ) as PublishedIssue;
    expect(issue.pages.map((p) => p.number).sort()).toEqual([1, 2, 4]);
  });
});
