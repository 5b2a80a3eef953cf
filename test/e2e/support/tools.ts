import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

export const run = promisify(execFile);

/**
 * A Debian python3 that has the `feedparser` module. `/usr/bin/python3` first: a python3 earlier
 * on PATH (pyenv, a venv) does not see Debian's dist-packages.
 */
export const findFeedparserPython = async (): Promise<string | undefined> => {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    try {
      await run(candidate, ['-c', 'import feedparser, sqlite3']);
      return candidate;
    } catch {
      // try the next one
    }
  }
  return undefined;
};

/** Path of a Debian tool, or undefined (the test then skips with a visible warning). */
export const findTool = (path: string) => (existsSync(path) ? path : undefined);

/** Say loudly that a tool is missing: CI installs it, so a skip here is a local-only event. */
export const warnMissing = (tool: string, pkg: string) => {
  console.warn(
    `e2e: ${tool} is not installed (Debian package ${pkg}); skipping its test. .ci/run installs it.`,
  );
};

/**
 * Rows of newsboat's SQLite cache (`rss_item`), the named columns of each, in insertion order:
 * read with a python3 that has sqlite3 (Debian's, see `findFeedparserPython`).
 */
export const readNewsboatCache = async <Column extends string>(
  python: string,
  cacheFile: string,
  columns: readonly Column[],
): Promise<Array<Record<Column, string>>> => {
  const code = [
    'import json, sqlite3, sys',
    'cols = sys.argv[2].split(",")',
    'rows = sqlite3.connect(sys.argv[1]).execute("SELECT " + ", ".join(cols) + " FROM rss_item ORDER BY id").fetchall()',
    'print(json.dumps([dict(zip(cols, r)) for r in rows], ensure_ascii=False))',
  ].join('\n');
  const { stdout } = await run(python, ['-c', code, cacheFile, columns.join(',')], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Array<Record<Column, string>>;
};
