import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** A change seen in the inbox: path relative to the watched folder, `/`-separated. */
export interface InboxChange {
  type: 'created' | 'removed';
  path: string;
  /** Size in bytes (created only). */
  size?: number;
  /** Modification time (created only). */
  mtimeMs?: number;
}

export interface FileState {
  size: number;
  mtimeMs: number;
}

/** Snapshot of a folder tree: relative `/` path → size and mtime. */
export type InboxSnapshot = Map<string, FileState>;

/**
 * Files that are not uploads: editor swap and backup files, dot files (`.DS_Store`, rsync and
 * browser partial downloads). Ignoring them keeps a half-saved file from becoming an upload.
 */
export const isIgnoredName = (name: string) =>
  name.startsWith('.') ||
  name.endsWith('~') ||
  name.endsWith('.swp') ||
  name.endsWith('.tmp') ||
  name.endsWith('.part') ||
  name.endsWith('.crdownload');

/** Walk a folder tree; a missing folder is an empty snapshot (the inbox may not exist yet). */
export const scanFolder = async (root: string): Promise<InboxSnapshot> => {
  const snapshot: InboxSnapshot = new Map();
  const walk = async (dir: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      // A folder removed between two reads is simply gone; anything else is real.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      if (isIgnoredName(entry.name)) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) {
        try {
          const info = await stat(full);
          snapshot.set(relative(root, full).split(sep).join('/'), {
            size: info.size,
            mtimeMs: info.mtimeMs,
          });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
      }
    }
  };
  await walk(root);
  return snapshot;
};

const same = (a: FileState | undefined, b: FileState | undefined) =>
  a !== undefined && b !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs;

/**
 * Pure step of the polling watcher. `reported` is what was last announced, `previous` the last
 * scan, `current` this scan. A file is announced as created once it looks the same in two
 * consecutive scans (a copy in progress keeps growing, so it is never read half-written) and
 * differs from what was announced; a file announced before and now absent is removed.
 * Returns the changes and the new `reported` map.
 */
export const diffScans = (
  reported: ReadonlyMap<string, FileState>,
  previous: ReadonlyMap<string, FileState>,
  current: ReadonlyMap<string, FileState>,
): { changes: InboxChange[]; reported: Map<string, FileState> } => {
  const next = new Map(reported);
  const changes: InboxChange[] = [];
  for (const [path, state] of current) {
    if (!same(state, previous.get(path))) continue; // still changing, or seen for the first time
    if (same(state, reported.get(path))) continue; // already announced as it is
    next.set(path, state);
    changes.push({ type: 'created', path, size: state.size, mtimeMs: state.mtimeMs });
  }
  for (const path of reported.keys()) {
    if (current.has(path)) continue;
    next.delete(path);
    changes.push({ type: 'removed', path });
  }
  changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { changes, reported: next };
};

export interface InboxWatcherOptions {
  /** Folder to watch (recursively). */
  root: string;
  /** Files already handled, so they are not announced again (e.g. the start-up catch-up). */
  known?: ReadonlyMap<string, FileState>;
  /** Poll period; 500 ms announces a dropped file within about a second. */
  intervalMs?: number;
  /** Called for each batch of changes, in path order; the next scan waits for it to settle. */
  onChanges: (changes: InboxChange[]) => Promise<void>;
  /** Called when a scan or the callback fails; the watcher keeps going. */
  onError: (error: unknown) => void;
}

/** A running watcher. */
export interface InboxWatcher {
  /** Stop polling; resolves once a scan or callback in progress has finished. */
  close(): Promise<void>;
  /** Resolves after the next complete scan (tests: "has the watcher caught up?"). */
  nextScan(): Promise<void>;
}

/**
 * Watch a folder by polling. Chosen over `fs.watch({ recursive: true })`: on Linux that needs
 * Node ≥ 20 and still misses events from some editors' rename-over saves and from network or
 * container mounts; comparing sizes and mtimes every half second is simple and misses nothing.
 */
export const watchInbox = (options: InboxWatcherOptions): InboxWatcher => {
  const intervalMs = options.intervalMs ?? 500;
  let reported = new Map(options.known ?? []);
  let previous: InboxSnapshot = new Map(options.known ?? []);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let waiters: Array<() => void> = [];

  const tick = async () => {
    try {
      const current = await scanFolder(options.root);
      const step = diffScans(reported, previous, current);
      previous = current;
      reported = step.reported;
      if (step.changes.length > 0 && !stopped) await options.onChanges(step.changes);
    } catch (error) {
      options.onError(error);
    } finally {
      const done = waiters;
      waiters = [];
      for (const resolve of done) resolve();
    }
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().then(schedule);
    }, intervalMs);
  };
  schedule();

  return {
    async close() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running;
      const done = waiters;
      waiters = [];
      for (const resolve of done) resolve();
    },
    nextScan() {
      if (stopped) return Promise.resolve();
      return new Promise<void>((resolve) => {
        waiters.push(resolve);
      });
    },
  };
};
