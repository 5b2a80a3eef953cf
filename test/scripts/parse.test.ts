import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const parse = (...args: string[]) =>
  spawnSync('npx', ['tsx', 'scripts/parse.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

describe('npm run parse', () => {
  it('prints the normalized issue of the sample page as JSON', () => {
    const result = parse('test/fixtures/quzhou-daily-2024-11-30-page01.txt');
    // The banner above the editor line is in no article: named, not dropped.
    expect(result.stderr).toBe('unplaced: line 115: 工业强市 产业兴市\n');
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

  describe('without --key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parse-cli-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    // Page 2 without its date line: only the upload key can date it.
    const undated = readFileSync(
      new URL('../fixtures/quzhou-daily-2024-11-30-page02.txt', import.meta.url),
      'utf8',
    ).replace('2024年11月30日 星期六', '');
    const place = (...segments: string[]) => {
      const path = join(dir, ...segments);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, undated);
      return path;
    };

    it.each([[['data', 'incoming', '2024-11-30', '02-综合.txt']], [['2024-11-30', '02.txt']]])(
      'takes the hints a file at %j would get as an upload',
      (segments) => {
        const result = parse(place(...segments));
        expect(result.stderr).toBe('');
        expect(result.status).toBe(0);
        const issue = JSON.parse(result.stdout) as { date: string; pages: Array<{ number: number }> };
        expect(issue.date).toBe('2024-11-30');
        expect(issue.pages[0]!.number).toBe(2);
      },
    );

    it('says which key it read a file as when it rejects it', () => {
      const result = parse(place('loose', '02.txt'));
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('rejected (no-date)');
      expect(result.stderr).toContain('read as: incoming/02.txt');
    });
  });

  it('exits 2 on a usage error', () => {
    const result = parse('--key');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage:');
  });
});
