import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  diffScans,
  type FileState,
  type InboxChange,
  isIgnoredName,
  scanFolder,
  watchInbox,
} from '../../../scripts/lib/inbox-watcher.ts';

const state = (size: number, mtimeMs = 1): FileState => ({ size, mtimeMs });
const map = (entries: Record<string, FileState>) => new Map(Object.entries(entries));

describe('diffScans', () => {
  it('waits for a new file to look the same in two scans before announcing it', () => {
    const first = diffScans(new Map(), new Map(), map({ 'a.txt': state(10) }));
    expect(first.changes).toEqual([]);
    const second = diffScans(first.reported, map({ 'a.txt': state(10) }), map({ 'a.txt': state(10) }));
    expect(second.changes).toEqual([{ type: 'created', path: 'a.txt', size: 10, mtimeMs: 1 }]);
  });

  it('does not announce a file that is still growing', () => {
    const step = diffScans(new Map(), map({ 'a.txt': state(10) }), map({ 'a.txt': state(20) }));
    expect(step.changes).toEqual([]);
  });

  it('announces a rewritten file again once it is stable', () => {
    const reported = map({ 'a.txt': state(10, 1) });
    const step = diffScans(reported, map({ 'a.txt': state(10, 2) }), map({ 'a.txt': state(10, 2) }));
    expect(step.changes).toEqual([{ type: 'created', path: 'a.txt', size: 10, mtimeMs: 2 }]);
  });

  it('does not announce an unchanged file twice', () => {
    const reported = map({ 'a.txt': state(10) });
    const step = diffScans(reported, reported, reported);
    expect(step.changes).toEqual([]);
  });

  it('announces the removal of an announced file, and only of those', () => {
    const reported = map({ 'a.txt': state(10) });
    const step = diffScans(reported, map({ 'a.txt': state(10), 'b.txt': state(1) }), new Map());
    expect(step.changes).toEqual([{ type: 'removed', path: 'a.txt' }]);
    expect(step.reported.size).toBe(0);
  });
});

describe('isIgnoredName', () => {
  it.each(['.DS_Store', '.02.txt.swp', '02.txt~', 'x.part', 'x.tmp', 'x.crdownload'])('ignores %s', (n) => {
    expect(isIgnoredName(n)).toBe(true);
  });
  it.each(['01.txt', '第1版.txt', 'issue.json'])('keeps %s', (n) => {
    expect(isIgnoredName(n)).toBe(false);
  });
});

describe('scanFolder and watchInbox', () => {
  const dirs: string[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'inbox-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });

  it('scans nested folders with /-separated relative paths and skips ignored names', async () => {
    const root = await tempDir();
    await mkdir(join(root, '2024-11-30'), { recursive: true });
    await writeFile(join(root, '2024-11-30', '01.txt'), 'abc');
    await writeFile(join(root, '2024-11-30', '.01.txt.swp'), 'x');
    const snapshot = await scanFolder(root);
    expect([...snapshot.keys()]).toEqual(['2024-11-30/01.txt']);
    expect(snapshot.get('2024-11-30/01.txt')?.size).toBe(3);
  });

  it('treats a missing folder as empty', async () => {
    const root = await tempDir();
    expect((await scanFolder(join(root, 'absent'))).size).toBe(0);
  });

  it('reports a dropped file as created and a deleted one as removed', async () => {
    const root = await tempDir();
    const seen: InboxChange[] = [];
    const errors: unknown[] = [];
    const watcher = watchInbox({
      root,
      intervalMs: 20,
      onChanges: async (changes) => {
        seen.push(...changes);
      },
      onError: (e) => errors.push(e),
    });
    try {
      await mkdir(join(root, 'd'), { recursive: true });
      await writeFile(join(root, 'd', 'p.txt'), 'hello');
      const deadline = Date.now() + 10_000;
      while (!seen.some((c) => c.type === 'created') && Date.now() < deadline) await watcher.nextScan();
      expect(seen).toEqual([{ type: 'created', path: 'd/p.txt', size: 5, mtimeMs: expect.any(Number) }]);
      await rm(join(root, 'd', 'p.txt'));
      while (!seen.some((c) => c.type === 'removed') && Date.now() < deadline) await watcher.nextScan();
      expect(seen.map((c) => c.type)).toEqual(['created', 'removed']);
      expect(errors).toEqual([]);
    } finally {
      await watcher.close();
    }
  });

  it('does not announce files it was told are already known', async () => {
    const root = await tempDir();
    await writeFile(join(root, 'old.txt'), 'old');
    const known = await scanFolder(root);
    const seen: InboxChange[] = [];
    const watcher = watchInbox({
      root,
      known,
      intervalMs: 20,
      onChanges: async (changes) => {
        seen.push(...changes);
      },
      onError: () => {},
    });
    try {
      await writeFile(join(root, 'new.txt'), 'new');
      const deadline = Date.now() + 10_000;
      while (seen.length === 0 && Date.now() < deadline) await watcher.nextScan();
      expect(seen.map((c) => c.path)).toEqual(['new.txt']);
    } finally {
      await watcher.close();
    }
  });
});
