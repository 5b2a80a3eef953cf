import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type LocalState,
  offlineChanges,
  rememberChange,
  writeState,
} from '../../../scripts/lib/local-state.ts';

describe('local state', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });

  it('finds what changed offline: new and modified files, and handled files now gone, by path', () => {
    const state: LocalState = {
      inbox: {
        '2024-11-30/01.txt': { size: 10, mtimeMs: 1 },
        '2024-11-30/02.txt': { size: 20, mtimeMs: 2 },
        '2024-11-30/03.txt': { size: 30, mtimeMs: 3 },
      },
    };
    const current = new Map([
      ['2024-11-30/04.txt', { size: 40, mtimeMs: 4 }],
      ['2024-11-30/02.txt', { size: 20, mtimeMs: 5 }],
      ['2024-11-30/01.txt', { size: 10, mtimeMs: 1 }],
    ]);
    expect(offlineChanges(state, current)).toEqual([
      { type: 'created', path: '2024-11-30/02.txt', size: 20, mtimeMs: 5 },
      { type: 'removed', path: '2024-11-30/03.txt' },
      { type: 'created', path: '2024-11-30/04.txt', size: 40, mtimeMs: 4 },
    ]);
  });

  it('remembers a created file with its size and mtime and forgets a removed one', () => {
    const state: LocalState = { inbox: { 'a.txt': { size: 1, mtimeMs: 1 } } };
    rememberChange(state, { type: 'created', path: 'b.txt', size: 2, mtimeMs: 2 });
    rememberChange(state, { type: 'removed', path: 'a.txt' });
    expect(state.inbox).toEqual({ 'b.txt': { size: 2, mtimeMs: 2 } });
  });

  it('writes the state as JSON over the previous file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'local-state-'));
    dirs.push(dir);
    await writeFile(join(dir, 'local-state.json'), 'old');
    await writeState(dir, { siteUrl: 'http://127.0.0.1:8080', inbox: {} });
    expect(JSON.parse(await readFile(join(dir, 'local-state.json'), 'utf8'))).toEqual({
      siteUrl: 'http://127.0.0.1:8080',
      inbox: {},
    });
  });
});
