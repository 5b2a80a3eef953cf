/**
 * Canonical JSON: object keys sorted, `undefined` members dropped, no whitespace. Every document
 * publishing stores goes through it, so the same state always gives the same bytes (and the same
 * ETag) whatever order an object's keys were built or parsed in.
 */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') {
    // JSON.stringify(undefined) is undefined; arrays turn such members into null like JSON does.
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined) continue;
    members.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
  }
  return `{${members.join(',')}}`;
};

const encoder = new TextEncoder();

/** Canonical JSON as UTF-8 bytes with a final newline (what every JSON object in the site holds). */
export const canonicalJsonBytes = (value: unknown): Uint8Array => encoder.encode(`${canonicalJson(value)}\n`);

/** Parse a stored JSON document. */
export const parseJsonBytes = <T>(bytes: Uint8Array): T => JSON.parse(new TextDecoder().decode(bytes)) as T;
