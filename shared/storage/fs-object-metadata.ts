import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { StorageError } from '../errors.ts';
import { isAbsent } from './fs-errno.ts';
import { etagOf } from './memory-store.ts';
import type { PutOptions } from './store.ts';

/**
 * What an FsStore knows about an object besides its body. The ETag is the quoted MD5 of the file
 * (as S3), computed on read, so a file replaced by hand still gets a correct ETag. Content type
 * and cache-control live in a JSON sidecar that names the ETag of the body it describes: a
 * sidecar left describing an older body (a file replaced by hand, a crash between the object's
 * rename and its sidecar's) no longer matches and is ignored.
 */

/** What the sidecar JSON holds. `etag` says which body the rest describes. */
export interface Sidecar {
  etag: string;
  contentType?: string;
  cacheControl?: string;
}

/** The sidecar file's bytes for a body with this ETag. */
export const encodeSidecar = (
  etag: string,
  options: Pick<PutOptions, 'contentType' | 'cacheControl'>,
): Uint8Array => {
  const sidecar: Sidecar = { etag, contentType: options.contentType, cacheControl: options.cacheControl };
  return new TextEncoder().encode(`${JSON.stringify(sidecar)}\n`);
};

export const readSidecar = async (file: string): Promise<Sidecar | undefined> => {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { etag, contentType, cacheControl } = parsed as Record<string, unknown>;
    if (typeof etag !== 'string') return undefined;
    return {
      etag,
      ...(typeof contentType === 'string' ? { contentType } : {}),
      ...(typeof cacheControl === 'string' ? { cacheControl } : {}),
    };
  } catch {
    // A missing or damaged sidecar only loses content type and cache-control; the body stands.
    return undefined;
  }
};

/** The ETag of the object file as it is now, or undefined when there is none (conditional writes). */
export const currentEtag = async (key: string, file: string): Promise<string | undefined> => {
  try {
    return etagOf(new Uint8Array(await readFile(file)));
  } catch (error) {
    if (isAbsent(error)) return undefined;
    throw new StorageError(`reading ${key} failed`, { cause: error });
  }
};

/** The ETag of a file's bytes (quoted MD5, as `etagOf`), hashed as a stream. */
export const etagOfFile = async (file: string) => {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `"${hash.digest('hex')}"`;
};
