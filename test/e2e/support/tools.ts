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
