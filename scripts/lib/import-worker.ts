import { parentPort } from 'node:worker_threads';
import { type ParseJob, parseOne } from './import-parse.ts';

/** Worker thread of `npm run import`: parses the uploads it is sent (import-parse.ts). */
parentPort?.on('message', (job: ParseJob) => {
  const { id, ...rest } = job;
  parentPort!.postMessage({ id, ...parseOne(rest) });
});
