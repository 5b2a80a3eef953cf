import { createHash } from 'node:crypto';
import { join, sep } from 'node:path';
import { InvalidKeyError } from '../errors.ts';

/**
 * Where an FsStore keeps what under its root: key `a/b.json` is the file `<root>/a/b.json`, its
 * sidecar `<root>/.meta/a/b.json.json`; temp files and lock files have hidden trees of their own.
 */

/** Hidden trees under the root; keys may not start with them. */
const metaDir = '.meta';
const tmpDir = '.tmp';
const locksDir = '.locks';
export const reservedDirs = new Set([metaDir, tmpDir, locksDir]);

/** The segments of a key, or the reason it is refused. */
export const segmentsOf = (key: string, kind: 'key' | 'prefix'): string[] => {
  const refuse = (reason: string): never => {
    throw new InvalidKeyError(key, reason);
  };
  if (key.includes('\0')) refuse('contains NUL');
  if (key.includes('\\')) refuse('contains a backslash');
  if (key.startsWith('/')) refuse('is absolute');
  if (/^[A-Za-z]:/.test(key)) refuse('starts with a drive letter');
  const segments = key.split('/');
  // A prefix may end in a partial (or empty) segment: only its folders become a path; the rest
  // is compared as a string, never joined.
  const folders = kind === 'prefix' ? segments.slice(0, -1) : segments;
  if (kind === 'key' && key === '') refuse('is empty');
  for (const segment of folders) {
    if (segment === '') refuse('has an empty path segment');
    if (segment === '.' || segment === '..') refuse(`has a "${segment}" segment`);
  }
  // The hidden trees hold sidecars and temp files; no key (nor listed folder) may reach them.
  const first = folders[0];
  if (first !== undefined && reservedDirs.has(first)) refuse(`starts with the reserved "${first}"`);
  return segments;
};

/** The object file of `key` and its sidecar, or InvalidKeyError. */
export const objectPathsOf = (root: string, key: string) => {
  const segments = segmentsOf(key, 'key');
  const object = join(root, ...segments);
  // Defence in depth: validation above should make this impossible.
  if (!object.startsWith(root + sep)) throw new InvalidKeyError(key, 'escapes the store root');
  const meta = `${join(root, metaDir, ...segments)}.json`;
  return { object, meta };
};

/** The folder holding every sidecar (a delete prunes empty folders up to it). */
export const metaRootOf = (root: string) => join(root, metaDir);

/** The folder of temp files: on the objects' filesystem, so renaming one over an object is atomic. */
export const tmpFolderOf = (root: string) => join(root, tmpDir);

/** The folder holding the lock files. */
export const locksFolderOf = (root: string) => join(root, locksDir);

/** The lock file serialising writes of `key` across processes. */
export const keyLockPathOf = (root: string, key: string) => {
  const name = createHash('sha256').update(key).digest('hex').slice(0, 32);
  return join(root, locksDir, `${name}.lock`);
};

/** The lock file a bulk writer holds over the whole folder. */
export const siteLockPathOf = (root: string) => join(root, locksDir, 'site.lock');
