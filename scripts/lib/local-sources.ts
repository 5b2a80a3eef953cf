import { join } from 'node:path';
import { inputPrefix, latestIssueKey, reportKey } from '../../shared/site-layout.ts';
import type { Store } from '../../shared/storage/store.ts';
import { type InboxChange, type InboxWatcher, scanFolder, watchInbox } from './inbox-watcher.ts';
import { type LocalS3, startLocalS3 } from './local-s3.ts';
import {
  defaultSampleDir,
  type LocalState,
  offlineChanges,
  rememberChange,
  seedSample,
  writeState,
} from './local-state.ts';
import { describeError, type UploadChange, type UploadRunner, type UploadSource } from './upload-runner.ts';

/**
 * Where the local publisher's uploads come from: the inbox folder (caught up with what changed
 * while stopped, then watched) and, optionally, an S3-compatible endpoint. Each hands its changes
 * to the upload runner's queue.
 */

export interface InboxUploadsOptions {
  runner: UploadRunner;
  state: LocalState;
  firstRun: boolean;
  dataDir: string;
  inboxDir: string;
  /** The input store, rooted at the data folder so its keys are `incoming/…`, as in the bucket. */
  input: Store;
  site: Store;
  sampleDir?: string;
  pollIntervalMs?: number;
  print: (line: string) => void;
}

/** The inbox: `catchUp` publishes what changed offline (and the sample on a first run); `watch` then polls. */
export const inboxUploads = (options: InboxUploadsOptions) => {
  const { runner, state, dataDir, inboxDir } = options;
  const inbox: UploadSource = { via: 'inbox', bucket: 'local-inbox', input: () => options.input };
  const handleChanges = async (changes: InboxChange[]) => {
    for (const change of changes) {
      const key = `${inputPrefix}${change.path}`;
      await runner.publish(
        { type: change.type, key, ...(change.size === undefined ? {} : { size: change.size }) },
        inbox,
      );
      rememberChange(state, change);
      await writeState(dataDir, state);
    }
  };
  return {
    async catchUp() {
      // First run: nothing published and nothing waiting → publish the bundled sample.
      let current = await scanFolder(inboxDir);
      if (options.firstRun && current.size === 0 && (await options.site.get(latestIssueKey)) === undefined) {
        const seeded = await seedSample(options.sampleDir ?? defaultSampleDir(), inboxDir);
        if (seeded.length > 0)
          options.print(`First run: publishing the bundled sample (${seeded.join(', ')})`);
        current = await scanFolder(inboxDir);
      }
      // Catch up with what changed while nothing was watching, exactly as the watcher would.
      await runner.enqueue(() => handleChanges(offlineChanges(state, current)));
      await writeState(dataDir, state);
    },
    watch: (): InboxWatcher =>
      watchInbox({
        root: inboxDir,
        known: new Map(Object.entries(state.inbox)),
        intervalMs: options.pollIntervalMs ?? 500,
        onChanges: (changes) => runner.enqueue(() => handleChanges(changes)),
        onError: (error) => options.print(`! inbox: ${describeError(error)}`),
      }),
  };
};

export interface S3UploadsOptions {
  runner: UploadRunner;
  dataDir: string;
  host: string;
  port: number;
  bucket: string;
  site: Store;
}

/**
 * Start the S3-compatible endpoint whose uploads under `incoming/` publish, and publish the
 * objects it already holds that the site has no report for.
 */
export const startS3Uploads = async (options: S3UploadsOptions): Promise<LocalS3> => {
  const { runner, bucket } = options;
  let local: LocalS3 | undefined;
  const s3: UploadSource = {
    via: 's3',
    bucket,
    input: () => {
      if (local === undefined) throw new Error('S3 endpoint not running');
      return local.input;
    },
  };
  const publish = (change: UploadChange) =>
    runner.enqueue(async () => {
      await runner.publish(change, s3);
    });
  local = await startLocalS3({
    directory: join(options.dataDir, 's3'),
    host: options.host,
    port: options.port,
    bucket,
    onObject: (change) => {
      // s3rver reports every key of every bucket; only the input prefix is an upload, the
      // same notification filter the AWS deployment sets.
      if (!change.key.startsWith(inputPrefix)) return;
      void publish(change);
    },
  });
  // Objects the site has no report for were uploaded while the publisher was stopping, or their
  // site folder was deleted: publish them now, as a redelivered notification would.
  const pending: string[] = [];
  for await (const key of local.input.list(inputPrefix)) {
    if ((await options.site.get(reportKey(key))) === undefined) pending.push(key);
  }
  for (const key of pending) await publish({ type: 'created', key });
  return local;
};
