import { createHash } from 'node:crypto';

/**
 * The digest that names a media object (`media/<digest>/…`, see shared/site-layout.ts): the first
 * 16 hex digits (64 bits) of the sha256 of its bytes. Collisions are out of reach at any archive
 * size, and the URL stays short.
 */
export const mediaDigest = (bytes: Uint8Array) =>
  createHash('sha256').update(bytes).digest('hex').slice(0, 16);
