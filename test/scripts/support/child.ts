import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: CLIs run from there, as `npm run …` runs them. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run a command from the repository root to its end (no shell unless `shell` is set). */
export const runChild = (
  command: string,
  args: string[],
  options: { shell?: boolean; env?: Record<string, string> } = {},
) =>
  new Promise<ChildResult>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: options.shell ?? false,
      env: { ...process.env, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });

/** `npm run publish -- <args>`, run the way npm runs it. */
export const publishCli = (...args: string[]) => runChild(tsx, ['scripts/publish.ts', ...args]);
