import { copyFile, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../../shared/clock.ts';
import type { SiteConfig } from '../../shared/config.ts';
import type { Log } from '../../shared/log.ts';
import { rebuildSite } from '../../shared/publish/rebuild-site.ts';
import { inputPrefix, latestIssueKey } from '../../shared/site-layout.ts';
import type { Store } from '../../shared/storage/store.ts';
import type { FileState, InboxChange } from './inbox-watcher.ts';

/**
 * The local publisher's own bookkeeping in the data folder, so a restart neither republishes old
 * files nor misses what changed while it was stopped; and the bundled sample of a first run.
 */

/** What opening the state needs: the site as served now, and where to tell of a rebuild. */
export interface OpenStateDeps {
  dataDir: string;
  site: Store;
  config: SiteConfig;
  clock: Clock;
  log: Log;
  print: (line: string) => void;
}

/**
 * Read the state and make the site fit it: a site address that changed since the last run
 * rebuilds every link, and a site folder that is gone forgets the inbox (so it publishes again).
 * The state then names the current address; the caller writes it once the inbox is caught up.
 */
export const openLocalState = async (deps: OpenStateDeps) => {
  const { site, config } = deps;
  const state = await readState(deps.dataDir);
  const firstRun = state.siteUrl === undefined;
  if (!firstRun && state.siteUrl !== config.siteUrl) {
    // Feeds, archives and the OPML carry absolute links built from the site URL: regenerate them
    // from the issue documents (the operator's rebuild) so no link points to a port nothing
    // listens on.
    const summary = await rebuildSite({ site, config, clock: deps.clock, log: deps.log });
    deps.print(
      `Site address changed (${state.siteUrl} → ${config.siteUrl}): rebuilt ${summary.dates} issues,` +
        ` ${summary.articles} articles, ${summary.written} documents rewritten.`,
    );
  }
  if (!firstRun && (await site.get(latestIssueKey)) === undefined) {
    // The site folder was deleted (or never finished): the inbox is the source, publish it again.
    state.inbox = {};
  }
  state.siteUrl = config.siteUrl;
  return { state, firstRun };
};

/** `<data>/local-state.json`. */
export interface LocalState {
  siteUrl?: string;
  /** Inbox files handled, relative to the inbox, with the size and mtime they had then. */
  inbox: Record<string, FileState>;
}

const stateFileName = 'local-state.json';

const readState = async (dataDir: string): Promise<LocalState> => {
  try {
    const parsed = JSON.parse(await readFile(join(dataDir, stateFileName), 'utf8')) as Partial<LocalState>;
    return { ...parsed, inbox: parsed.inbox ?? {} };
  } catch (error) {
    // Missing or unreadable state only means "handle everything in the inbox once more":
    // publishing is idempotent, so the worst case is redundant work.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError)
      return { inbox: {} };
    throw error;
  }
};

/** Written to a temporary file and renamed, so a crash never leaves half a state file. */
export const writeState = async (dataDir: string, state: LocalState) => {
  const file = join(dataDir, stateFileName);
  await writeFile(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
};

/** Record an inbox change as handled: a created file with its size and mtime, a removed one gone. */
export const rememberChange = (state: LocalState, change: InboxChange) => {
  if (change.type === 'created' && change.size !== undefined && change.mtimeMs !== undefined)
    state.inbox[change.path] = { size: change.size, mtimeMs: change.mtimeMs };
  else delete state.inbox[change.path];
};

/**
 * What changed in the inbox while nothing was watching, as the watcher would have reported it:
 * files new or with another size or mtime than when handled, and handled files now gone; by path.
 */
export const offlineChanges = (state: LocalState, current: ReadonlyMap<string, FileState>): InboxChange[] => {
  const known = new Map(Object.entries(state.inbox));
  const changes: InboxChange[] = [];
  for (const [path, fileState] of current) {
    const was = known.get(path);
    if (was?.size === fileState.size && was.mtimeMs === fileState.mtimeMs) continue;
    changes.push({ type: 'created', path, size: fileState.size, mtimeMs: fileState.mtimeMs });
  }
  for (const path of known.keys()) if (!current.has(path)) changes.push({ type: 'removed', path });
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
};

/** Name of the bundled sample files: `quzhou-daily-<date>-page<NN>.txt`. */
const samplePattern = /^quzhou-daily-(\d{4}-\d{2}-\d{2})-page(\d{2})\.txt$/;

export const defaultSampleDir = () => fileURLToPath(new URL('../../sample/', import.meta.url));

/** Copy the bundled sample into an empty inbox as `incoming/<date>/<NN>.txt`; returns those keys. */
export const seedSample = async (sampleDir: string, inboxDir: string) => {
  const copied: string[] = [];
  for (const name of (await readdir(sampleDir)).sort()) {
    const match = samplePattern.exec(name);
    if (match === null) continue;
    const [, date, page] = match;
    await mkdir(join(inboxDir, date!), { recursive: true });
    await copyFile(join(sampleDir, name), join(inboxDir, date!, `${page}.txt`));
    copied.push(`${inputPrefix}${date}/${page}.txt`);
  }
  return copied;
};
