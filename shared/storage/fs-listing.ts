import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { StorageError } from '../errors.ts';
import { isAbsent } from './fs-errno.ts';
import { reservedDirs, segmentsOf } from './fs-store-layout.ts';

/**
 * The keys of an FsStore under `prefix`, sorted: only the folders the prefix names are walked,
 * and the hidden trees (sidecars, temp and lock files) are never keys.
 */
export const listKeys = async (root: string, prefix: string): Promise<string[]> => {
  const segments = segmentsOf(prefix, 'prefix');
  const folders = segments.slice(0, -1);
  const start = join(root, ...folders);
  const keys: string[] = [];
  await walk(start, folders.length === 0 ? '' : `${folders.join('/')}/`, keys);
  // Same order as MemoryStore (UTF-16 code units); equal to S3's UTF-8 byte order for the BMP.
  return keys.filter((k) => k.startsWith(prefix)).sort();
};

const walk = async (folder: string, keyPrefix: string, into: string[]): Promise<void> => {
  let entries: Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    // A prefix naming no folder (or a file) simply has no keys under it.
    if (isAbsent(error)) return;
    throw new StorageError(`listing ${keyPrefix || '/'} failed`, { cause: error });
  }
  for (const entry of entries) {
    if (keyPrefix === '' && reservedDirs.has(entry.name)) continue;
    const key = `${keyPrefix}${entry.name}`;
    if (entry.isDirectory()) await walk(join(folder, entry.name), `${key}/`, into);
    else if (entry.isFile()) into.push(key);
  }
};
