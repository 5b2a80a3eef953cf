import type { GetOptions, PutOptions, Store, StoredObject } from '../shared/storage/store.ts';

/** V8 heap used + ArrayBuffers (object bodies live there): what the memory benches call "used". */
export const usedMemory = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/**
 * A store that samples memory at store requests, for the benches' child processes (run with
 * --expose-gc). Publishing awaits a request between every step, so the peak between two requests
 * is still alive at the next one. `sampleEvery` > 1 samples one request in n: `process.memoryUsage`
 * reads /proc, and at every request of a ten-year rebuild it took a quarter of the run whose
 * speed the bench reports. `discard` drops writes (and reads) of keys the bench does not keep.
 */
export class SamplingStore implements Store {
  peak = 0;
  #requests = 0;
  constructor(
    readonly inner: Store,
    readonly options: { discard?: (key: string) => boolean; sampleEvery?: number } = {},
  ) {}
  #sample() {
    this.#requests += 1;
    if (this.#requests % (this.options.sampleEvery ?? 1) !== 0) return;
    this.peak = Math.max(this.peak, usedMemory());
  }
  #discarded(key: string) {
    return this.options.discard?.(key) ?? false;
  }
  async get(key: string, options?: GetOptions): Promise<StoredObject | undefined> {
    this.#sample();
    return this.#discarded(key) ? undefined : this.inner.get(key, options);
  }
  async put(key: string, body: Uint8Array | string, options: PutOptions) {
    this.#sample();
    if (this.#discarded(key)) return { etag: '"discarded"' };
    return this.inner.put(key, body, options);
  }
  async delete(key: string) {
    this.#sample();
    return this.inner.delete(key);
  }
  list(prefix: string) {
    this.#sample();
    return this.inner.list(prefix);
  }
}
