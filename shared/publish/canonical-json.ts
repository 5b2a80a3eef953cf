/**
 * Canonical JSON: object keys sorted, `undefined` members dropped, no whitespace. Every document
 * publishing stores goes through it, so the same state always gives the same bytes (and the same
 * ETag) whatever order an object's keys were built or parsed in.
 */
const keysSorted = (keys: readonly string[]) => {
  for (let i = 1; i < keys.length; i += 1) if (keys[i - 1]! > keys[i]!) return false;
  return true;
};

/**
 * Native JSON.stringify does the escaping and number formatting; the replacer only re-creates
 * objects whose keys are out of order (documents read back from the store are already sorted,
 * so the common case allocates nothing).
 */
function sortKeys(this: unknown, _key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keysSorted(keys)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of keys.sort()) sorted[key] = (value as Record<string, unknown>)[key];
  return sorted;
}

export const canonicalJson = (value: unknown): string => JSON.stringify(value, sortKeys) ?? 'null';

const encoder = new TextEncoder();

/** Canonical JSON as UTF-8 bytes with a final newline (what every JSON object in the site holds). */
export const canonicalJsonBytes = (value: unknown): Uint8Array => encoder.encode(`${canonicalJson(value)}\n`);

/** Parse a stored JSON document. */
export const parseJsonBytes = <T>(bytes: Uint8Array): T => JSON.parse(new TextDecoder().decode(bytes)) as T;
