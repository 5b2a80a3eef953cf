import { feedOrder } from '../../functions/build-feeds/changed-feeds.ts';
import {
  type BuildFeedsDeps,
  createHandler,
  type HandledUpload,
} from '../../functions/build-feeds/handler.ts';
import type { Clock } from '../../shared/clock.ts';
import type { PublishedIssue } from '../../shared/model/published.ts';
import { issueKey } from '../../shared/site-layout.ts';
import type { Store } from '../../shared/storage/store.ts';
import { createSequencer, s3EventFor } from './s3-event.ts';
import { describeUpload, type UploadOutcome, type UploadReport } from './upload-report.ts';

/**
 * The local publisher's upload runner: each upload becomes an S3-style event for the build
 * function's own handler, one at a time, retried as Lambda retries a failed asynchronous
 * invocation; one line per upload is printed from the outcome the handler hands back.
 */

/** A change to one upload key, as the inbox watcher or the S3 endpoint saw it. */
export interface UploadChange {
  type: 'created' | 'removed';
  key: string;
  size?: number;
  eTag?: string;
}

/** Where uploads come from: the bucket named in their events and the store holding them. */
export interface UploadSource {
  via: UploadOutcome['via'];
  bucket: string;
  /** The input store; may throw when the source is not running (yet, or any more). */
  input: () => Store;
}

/** What the runner needs: the handler's dependencies but the input (each source has its own). */
export interface UploadRunnerDeps extends Omit<BuildFeedsDeps, 'input' | 'onHandled' | 'clock'> {
  clock: Clock;
  print: (line: string) => void;
}

export interface UploadRunner {
  /** Every upload handled, in order. */
  uploads: UploadOutcome[];
  /** Run `task` after everything queued so far; a failure is printed, not thrown. */
  enqueue(task: () => Promise<void>): Promise<void>;
  /** Publish one change now (call it from a queued task, so lines keep their order). */
  publish(change: UploadChange, source: UploadSource): Promise<UploadOutcome>;
  /** Resolves when every task queued so far, and every task they queued, has run. */
  whenIdle(): Promise<void>;
}

/** Lambda retries a failed asynchronous invocation twice; so does the local run. */
const retries = 2;

export const describeError = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A JSON document of the store, or undefined when it is missing or not JSON. */
export const readJsonOrUndefined = async (store: Store, key: string): Promise<unknown> => {
  const object = await store.get(key);
  if (object === undefined) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(object.body));
  } catch {
    return undefined;
  }
};

export const createUploadRunner = (deps: UploadRunnerDeps): UploadRunner => {
  const { print, ...handlerDeps } = deps;
  const uploads: UploadOutcome[] = [];
  const nextSequencer = createSequencer(deps.clock().getTime());

  // One upload at a time: output is the same as with concurrent builds (publishing is safe under
  // concurrency), and the printed lines stay in the order things happened.
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (task: () => Promise<void>) => {
    queue = queue.then(task).catch((error: unknown) => {
      print(`! local publisher: ${describeError(error)}`);
    });
    return queue;
  };

  /** Run the handler on the event, with retries; every outcome it hands back, and the last failure. */
  const invoke = async (change: UploadChange, source: UploadSource) => {
    const event = s3EventFor({
      ...change,
      bucket: source.bucket,
      sequencer: nextSequencer(),
      at: deps.clock(),
    });
    const handled: HandledUpload[] = [];
    for (let attempt = 0; ; attempt++) {
      try {
        const handler = createHandler({
          ...handlerDeps,
          input: source.input(),
          onHandled: (h) => handled.push(h),
        });
        await handler(event);
        return { handled, failure: undefined };
      } catch (error) {
        const failure = describeError(error);
        deps.log.warn('build failed', { key: change.key, attempt, error: failure });
        if (attempt >= retries) return { handled, failure };
        await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
      }
    }
  };

  const publish = async (change: UploadChange, source: UploadSource): Promise<UploadOutcome> => {
    const { handled, failure } = await invoke(change, source);
    const last = handled.at(-1)?.outcome;
    const report: UploadReport | undefined = last?.report;
    // The issue as it stands now (pages and articles of every upload in it): the one read left,
    // since an outcome tells what this upload did, not what the whole issue holds.
    const issue =
      last?.date === undefined
        ? undefined
        : ((await readJsonOrUndefined(deps.site, issueKey(last.date))) as PublishedIssue | undefined);
    const outcome: Omit<UploadOutcome, 'line'> = {
      type: change.type,
      key: change.key,
      via: source.via,
      ok: failure === undefined && (report?.ok ?? change.type === 'removed'),
      // A retried event may have published in an attempt that then failed: every attempt counts.
      feedsTouched: [...new Set(handled.flatMap((h) => h.feedsChanged))].sort(feedOrder),
      ...(report === undefined ? {} : { report }),
      ...(failure === undefined ? {} : { failure }),
      ...(issue?.pages === undefined
        ? {}
        : {
            pages: issue.pages.map((p) => p.number),
            issueArticles: issue.pages.reduce(
              (n, p) => n + p.articles.filter((a) => a.status === 'published').length,
              0,
            ),
          }),
    };
    const line = describeUpload(outcome);
    const described = { ...outcome, line };
    uploads.push(described);
    print(line);
    return described;
  };

  return {
    uploads,
    enqueue,
    publish,
    async whenIdle() {
      // A task may enqueue more work (a watcher batch); wait until the chain stops growing.
      for (;;) {
        const seen = queue;
        await seen;
        if (seen === queue) return;
      }
    },
  };
};
