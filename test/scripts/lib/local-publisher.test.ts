import { describe, expect, it } from 'vitest';
import { appendBounded } from '../../../scripts/lib/local-publisher.ts';

describe('appendBounded', () => {
  it('keeps about the latest entries of a request log that would otherwise grow forever', () => {
    const log: number[] = [];
    for (let i = 0; i < 30_000; i += 1) appendBounded(log, i, 1000);
    expect(log.length).toBeGreaterThanOrEqual(1000);
    expect(log.length).toBeLessThanOrEqual(1100);
    expect(log.at(-1)).toBe(29_999);
    expect(log[0]).toBe(30_000 - log.length);
  });
});
