/**
 * Rendered representations kept by a warm function instance, keyed by their strong ETag. The ETag
 * is derived from the stored object's ETag (a digest of its bytes), the representation, the
 * renderer version and the config, so a hit is byte-for-byte what rendering would produce: the
 * one storage read still happens on every request (it says whether the content changed), only
 * parsing and rendering are skipped. Bounded by entries and bytes; least recently used goes first.
 */
export interface CachedRepresentation {
  body: Uint8Array;
  /** The content time Last-Modified derives from (`article.updated`, `issue.updated`). */
  contentTime: string;
  /** The issue date, which sets Cache-Control (the home page learns it from the record). */
  issueDate: string;
}

export class RenderCache {
  readonly #entries = new Map<string, CachedRepresentation>();
  #bytes = 0;

  constructor(
    // A week of pages (7 issues × ~40 articles) plus contents pages; the byte budget is what
    // really bounds memory (a page is ~11 KB, so 2,048 entries fill about 22 MB at most).
    readonly maxEntries = 2048,
    readonly maxBytes = 32 * 1024 * 1024,
  ) {}

  get(etag: string): CachedRepresentation | undefined {
    const entry = this.#entries.get(etag);
    if (entry !== undefined) {
      // Map order is insertion order: re-inserting marks the entry most recently used.
      this.#entries.delete(etag);
      this.#entries.set(etag, entry);
    }
    return entry;
  }

  set(etag: string, entry: CachedRepresentation) {
    if (entry.body.byteLength > this.maxBytes) return;
    const previous = this.#entries.get(etag);
    if (previous !== undefined) {
      this.#entries.delete(etag);
      this.#bytes -= previous.body.byteLength;
    }
    this.#entries.set(etag, entry);
    this.#bytes += entry.body.byteLength;
    for (const [oldest, old] of this.#entries) {
      if (this.#entries.size <= this.maxEntries && this.#bytes <= this.maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= old.body.byteLength;
    }
  }

  /** Entries held (tests). */
  get size() {
    return this.#entries.size;
  }
}
