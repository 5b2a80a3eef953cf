/**
 * Runs async tasks one at a time per key, in call order; tasks on different keys run in parallel.
 * A failed task does not block the ones queued after it.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<void>>();

  /** Run `task` once every task queued earlier for `key` has settled. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    // Forget settled keys so a long-running process does not keep one entry per key ever written.
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Resolves once every task queued so far has settled. */
  async idle(): Promise<void> {
    await Promise.all(this.#tails.values());
  }

  /** Keys with queued or running tasks (tests). */
  get size() {
    return this.#tails.size;
  }
}
