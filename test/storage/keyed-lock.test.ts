import { describe, expect, it } from 'vitest';
import { KeyedLock } from '../../shared/storage/keyed-lock.ts';

describe('KeyedLock', () => {
  it('runs tasks of one key in call order, one at a time, and tasks of other keys meanwhile', async () => {
    const lock = new KeyedLock();
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const first = lock.run('k', async () => {
      events.push('k1 start');
      await gate;
      events.push('k1 end');
    });
    const second = lock.run('k', async () => {
      events.push('k2');
    });
    await lock.run('other', async () => {
      events.push('other');
    });
    expect(events).toEqual(['k1 start', 'other']);
    release();
    await Promise.all([first, second]);
    expect(events).toEqual(['k1 start', 'other', 'k1 end', 'k2']);
  });

  it('goes on after a failed task and forgets idle keys', async () => {
    const lock = new KeyedLock();
    await expect(lock.run('k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lock.run('k', async () => 'after')).resolves.toBe('after');
    await new Promise((r) => setImmediate(r));
    expect(lock.size).toBe(0);
  });
});
