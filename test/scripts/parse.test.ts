import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const parse = (...args: string[]) =>
  spawnSync('npx', ['tsx', 'scripts/parse.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

describe('npm run parse', () => {
  it('prints the normalized issue of the sample page as JSON', () => {
    const result = parse('test/fixtures/quzhou-daily-2024-11-30-page01.txt');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const issue = JSON.parse(result.stdout) as {
      date: string;
      paper: { name: string };
      pages: Array<{ number: number }>;
    };
    expect(issue.date).toBe('2024-11-30');
    expect(issue.paper.name).toBe('衢州日报');
    expect(issue.pages.map((p) => p.number)).toEqual([1]);
  });

  it('reports a rejection with its code and location on stderr and exits 1', () => {
    const result = parse('test/fixtures/bad/billion-laughs.xml', '--key', 'incoming/2024-11-30/issue.xml');
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('rejected (doctype): XML documents must not declare a DOCTYPE');
    expect(result.stderr).toContain('location: line 2, column 1');
  });

  it('exits 2 on a usage error', () => {
    const result = parse('--key');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage:');
  });
});
