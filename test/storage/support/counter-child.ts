import { PreconditionFailedError } from '../../../shared/errors.ts';
import { FsStore } from '../../../shared/storage/fs-store.ts';

/**
 * Child process of fs-store-processes.test.ts: adds 1 to the counter object `<key>` of the store
 * at `<root>` `<times>` times, each a read-modify-write with If-Match (If-None-Match when absent),
 * retried on a lost race: exactly what publishing does with its shared documents.
 */
const [root, key, times] = process.argv.slice(2);
const store = new FsStore(root!);
const options = { contentType: 'text/plain', cacheControl: 'no-store' };
// Tells a parent holding the site lock that the first write is about to be tried.
console.log('ready');
for (let i = 0; i < Number(times); i += 1) {
  for (;;) {
    const current = await store.get(key!);
    const next = String(Number(current === undefined ? '0' : new TextDecoder().decode(current.body)) + 1);
    try {
      await store.put(key!, next, {
        ...options,
        ...(current === undefined ? { ifNoneMatch: '*' as const } : { ifMatch: current.etag }),
      });
      break;
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
    }
  }
}
