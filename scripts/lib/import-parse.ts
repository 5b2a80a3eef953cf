import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { InvalidUploadError, StorageError } from '../../shared/errors.ts';
import { isMediaKey } from '../../shared/media/media-key.ts';
import type { ParsedUpload } from '../../shared/publish/import-uploads.ts';
import { readUploadReport } from '../../shared/readers/read-upload.ts';
import type { Store } from '../../shared/storage/store.ts';
import { uploadPrefix } from '../../shared/upload-key.ts';

/**
 * Where an import reads its uploads: every object under `prefix` of a store (a local folder as
 * an FsStore, or the ingest bucket), each the upload `incoming/` + its path below the prefix.
 */
export interface UploadSource {
  store: Store;
  prefix: string;
}

/** The upload keys of a source, sorted (publishing order within a date), with their object keys. */
export const listUploads = async (source: UploadSource) => {
  const found: Array<{ key: string; object: string }> = [];
  for await (const object of source.store.list(source.prefix)) {
    const below = object.slice(source.prefix.length);
    if (below === '' || below.endsWith('/')) continue;
    found.push({ key: `${uploadPrefix}${below}`, object });
  }
  return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
};

/**
 * The listed uploads split: text, JSON and XML the import parses; photos and facsimiles
 * (media-key.ts) it publishes through the media use case, reading them from {@link uploadInput}.
 */
export const splitMedia = <T extends { key: string }>(uploads: readonly T[]) => ({
  text: uploads.filter((u) => !isMediaKey(u.key)),
  media: uploads.filter((u) => isMediaKey(u.key)).map((u) => u.key),
});

/**
 * The source seen as publishing's input store: upload `incoming/<rest>` is the source's object
 * `<prefix><rest>`. Read only, as publishing treats its input.
 */
export const uploadInput = (source: UploadSource): Store => {
  const objectOf = (key: string) =>
    key.startsWith(uploadPrefix) ? `${source.prefix}${key.slice(uploadPrefix.length)}` : undefined;
  const readOnly = async (): Promise<never> => {
    throw new StorageError('the import reads its uploads; it never writes them');
  };
  return {
    get: async (key, options) => {
      const object = objectOf(key);
      return object === undefined ? undefined : source.store.get(object, options);
    },
    put: readOnly,
    delete: readOnly,
    async *list(prefix) {
      const object = objectOf(prefix);
      if (object === undefined) return;
      for await (const found of source.store.list(object))
        yield `${uploadPrefix}${found.slice(source.prefix.length)}`;
    },
  };
};

/** A parse job and its answer, as they cross to a worker thread and back. */
export interface ParseJob {
  id: number;
  key: string;
  bytes: Uint8Array;
  maxBytes: number;
}
export type ParseAnswer = { id: number } & ParsedUpload;

/** Parse one upload the way publishing does; a bad one becomes its rejection. */
export const parseOne = (job: Omit<ParseJob, 'id'>): ParsedUpload => {
  try {
    const { issue, unplaced } = readUploadReport(job.bytes, job.key, { maxBytes: job.maxBytes });
    return { key: job.key, issue, unplaced };
  } catch (error) {
    if (!(error instanceof InvalidUploadError)) throw error;
    return {
      key: job.key,
      rejected: {
        code: error.code,
        message: error.message,
        ...(error.location === undefined ? {} : { location: error.location }),
      },
    };
  }
};

export interface ParseOptions {
  maxBytes: number;
  /** Worker threads; 0 parses on the calling thread (default: one per core). */
  workers?: number;
  /** The worker's module (import-worker.ts, or its bundle beside a bundled import script). */
  workerUrl?: URL;
  /** Uploads read and parsed ahead of the one being merged (memory vs. latency; default 64). */
  readAhead?: number;
}

/**
 * The uploads of a source, parsed on worker threads (every core; the calling thread merges and
 * writes meanwhile), yielded in key order. Reads run `readAhead` uploads ahead, which also bounds
 * the requests in flight against S3.
 */
export async function* parseUploads(
  source: UploadSource,
  uploads: ReadonlyArray<{ key: string; object: string }>,
  options: ParseOptions,
): AsyncIterable<ParsedUpload> {
  const workerCount = options.workers ?? availableParallelism();
  const readAhead = Math.max(1, options.readAhead ?? 64);
  const pool = workerCount > 0 ? startPool(workerCount, options.workerUrl ?? defaultWorkerUrl()) : undefined;
  const results = new Map<number, Promise<ParsedUpload>>();
  const start = (id: number) => {
    const upload = uploads[id];
    if (upload === undefined || results.has(id)) return;
    const parsed = source.store.get(upload.object).then((found) => {
      const bytes = found?.body ?? new Uint8Array();
      const job = { key: upload.key, bytes, maxBytes: options.maxBytes };
      return pool === undefined ? parseOne(job) : pool.parse({ id, ...job });
    });
    // Consumed in order below; a failure is rethrown there, not reported as unhandled now.
    parsed.catch(() => undefined);
    results.set(id, parsed);
  };
  try {
    for (let id = 0; id < uploads.length; id += 1) {
      for (let ahead = id; ahead < id + readAhead; ahead += 1) start(ahead);
      const result = await results.get(id)!;
      results.delete(id);
      yield result;
    }
  } finally {
    await pool?.close();
  }
}

/**
 * Next to this module: the TypeScript source under tsx; beside a bundled script (the bench runs
 * the import as an esbuild bundle), the worker's bundle `import-worker.bundled.mjs`.
 */
const defaultWorkerUrl = () =>
  new URL(
    import.meta.url.endsWith('.ts') ? './import-worker.ts' : './import-worker.bundled.mjs',
    import.meta.url,
  );

const startPool = (count: number, url: URL) => {
  // A TypeScript worker (run from source) needs tsx's loader: workers do not inherit it, and
  // Node 20 ignores `--import` in a worker's execArgv, so a bootstrap registers it first.
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`;
  const workers = Array.from({ length: count }, () =>
    url.pathname.endsWith('.ts') ? new Worker(boot, { eval: true }) : new Worker(url),
  );
  const waiting = new Map<number, { resolve: (p: ParsedUpload) => void; reject: (e: unknown) => void }>();
  const load = new Map<Worker, number>(workers.map((w) => [w, 0]));
  for (const worker of workers) {
    worker.on('message', (answer: ParseAnswer) => {
      load.set(worker, load.get(worker)! - 1);
      const { id, ...parsed } = answer;
      waiting.get(id)?.resolve(parsed as ParsedUpload);
      waiting.delete(id);
    });
    worker.on('error', (error) => {
      for (const job of waiting.values()) job.reject(error);
      waiting.clear();
    });
  }
  return {
    parse: (job: ParseJob) =>
      new Promise<ParsedUpload>((resolve, reject) => {
        // The least busy worker; uploads differ in size, so round-robin would queue behind a big one.
        const worker = workers.reduce((a, b) => (load.get(b)! < load.get(a)! ? b : a));
        load.set(worker, load.get(worker)! + 1);
        waiting.set(job.id, { resolve, reject });
        const bytes = job.bytes.slice();
        worker.postMessage({ ...job, bytes }, [bytes.buffer]);
      }),
    close: () => Promise.all(workers.map((w) => w.terminate())),
  };
};
