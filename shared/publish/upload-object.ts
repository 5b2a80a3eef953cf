import type { SiteConfig } from '../config.ts';
import { InvalidUploadError, ObjectTooLargeError } from '../errors.ts';
import type { Store, StoredObject } from '../storage/store.ts';

/** A size cap and the config key that sets it (the rejection names it: the operator raises that). */
export interface UploadCap {
  maxBytes: number;
  setting: keyof SiteConfig;
}

/**
 * The upload as the input store holds it now, read under the size cap: the store checks the size
 * before reading the body (S3's Content-Length, the file's size) and never buffers more than the
 * cap, so a 200 MB upload costs a HEAD-sized answer, not 200 MB of memory, and still gets its
 * `too-large` report. The S3 event's own `size` is not trusted for this: events are unordered
 * hints, and an old event's size may describe bytes a correction has replaced since.
 *
 * @returns the object, undefined when absent, or the `too-large` rejection to report
 */
export const getUploadObject = async (
  input: Store,
  key: string,
  { maxBytes, setting }: UploadCap,
): Promise<StoredObject | InvalidUploadError | undefined> => {
  try {
    return await input.get(key, { maxBytes });
  } catch (error) {
    if (!(error instanceof ObjectTooLargeError)) throw error;
    const size = error.size === undefined ? `more than ${maxBytes}` : String(error.size);
    return new InvalidUploadError(
      'too-large',
      `the upload has ${size} bytes; the limit is ${maxBytes} (${setting})`,
      { location: { offset: maxBytes }, cause: error },
    );
  }
};
