import { describe, expect, it } from 'vitest';
import { canonicalJsonBytes } from '../../shared/publish/canonical-json.ts';
import {
  applyToWindow,
  decodeWindow,
  encodeWindow,
  type RawIssues,
  type WindowDoc,
} from '../../shared/publish/site-state.ts';
import { makeIssue } from '../support/published-fixtures.ts';

/** Window documents are stored as lines so unchanged issues are written back as read. */

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

const windowOf = (dates: readonly string[]): WindowDoc => {
  let doc: WindowDoc | undefined;
  for (const date of dates) doc = applyToWindow(doc, 'all', date, makeIssue(date), 3).doc;
  return doc!;
};

describe('window documents', () => {
  it('stores a header line and one canonical JSON line per issue, and reads it back', () => {
    const doc = windowOf(['2024-11-28', '2024-11-29', '2024-11-30']);
    const bytes = encodeWindow(doc);
    const lines = text(bytes).split('\n');
    expect(lines).toHaveLength(doc.issues.length + 2);
    expect(lines.at(-1)).toBe('');
    expect(JSON.parse(lines[0]!)).not.toHaveProperty('issues');
    doc.issues.forEach((issue, i) => {
      expect(`${lines[i + 1]}\n`).toBe(text(canonicalJsonBytes(issue)));
    });
    expect(decodeWindow(bytes)).toEqual(doc);
  });

  it('writes unchanged issues back as the bytes read, and a changed window as a fresh encoding would', () => {
    const stored = encodeWindow(windowOf(['2024-11-27', '2024-11-28', '2024-11-29']));
    const raw: RawIssues = new WeakMap();
    const read = decodeWindow(stored, raw);
    const next = applyToWindow(read, 'all', '2024-11-30', makeIssue('2024-11-30'), 3).doc;
    // The kept issues are the objects read, so their lines are reused, not serialised again.
    for (const issue of next.issues.slice(1)) expect(raw.get(issue)).toBeDefined();
    expect(raw.get(next.issues[0]!)).toBeUndefined();
    expect(encodeWindow(next, raw)).toEqual(encodeWindow(JSON.parse(JSON.stringify(next)) as WindowDoc));
  });

  it('reads a window stored in the first form, as one JSON document', () => {
    const doc = windowOf(['2024-11-29', '2024-11-30']);
    const first = canonicalJsonBytes({ ...doc, schemaVersion: 1 });
    expect(decodeWindow(first)).toEqual(doc);
  });
});
