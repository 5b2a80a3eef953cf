import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename, dirname, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { InvalidUploadError } from '../shared/errors.ts';
import { defaultMaxUploadBytes } from '../shared/readers/decode-text.ts';
import { readUploadReport } from '../shared/readers/read-upload.ts';
import { ignoreClosedPipes } from './lib/quiet-pipe.ts';

ignoreClosedPipes();

/**
 * `npm run parse -- <file> [--key <upload key>] [--max-bytes <n>]`: read one upload the way
 * publishing does and print the normalized issue as JSON (exit 0), or the rejection on stderr
 * (exit 1). Usage errors exit 2. The key decides the reader and the hints, as in the bucket;
 * it defaults to what the file's path would be as an upload ({@link defaultKey}).
 */
const usage = 'usage: npm run parse -- <file> [--key incoming/<YYYY-MM-DD>/<NN>.txt] [--max-bytes <n>]';

const fail = (message: string, code: number): never => {
  process.stderr.write(`${message}\n`);
  process.exit(code);
};

const commandLine = () => {
  try {
    return parseArgs({
      options: { key: { type: 'string' }, 'max-bytes': { type: 'string' } },
      allowPositionals: true,
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n${usage}`, 2);
  }
};

const { values, positionals } = commandLine();
const [file, ...extra] = positionals;
if (file === undefined || extra.length > 0) fail(usage, 2);
const maxBytes = values['max-bytes'] === undefined ? undefined : Number(values['max-bytes']);
if (maxBytes !== undefined && !(Number.isInteger(maxBytes) && maxBytes > 0))
  fail(`--max-bytes must be a positive integer\n${usage}`, 2);

/**
 * The file's bytes, or undefined when it is larger than the cap: its size is checked first and at
 * most cap + 1 bytes are ever read, so checking a 2 GB file costs no 2 GB of memory.
 */
const readInput = (path: string, cap: number): Uint8Array | undefined => {
  try {
    const fd = openSync(path, 'r');
    try {
      if (fstatSync(fd).size > cap) return undefined;
      const buffer = new Uint8Array(cap + 1);
      let filled = 0;
      for (let n = 1; n > 0 && filled < buffer.byteLength; filled += n)
        n = readSync(fd, buffer, filled, buffer.byteLength - filled, null);
      return filled > cap ? undefined : buffer.subarray(0, filled);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    return fail(`cannot read ${path}: ${(error as Error).message}`, 2);
  }
};
/**
 * The key a file would have as an upload, so checking `data/incoming/2024-11-30/02.txt` gets the
 * same hints as publishing it: the path from its last `incoming` folder on, else
 * `incoming/<date folder>/<name>` when the file sits in a YYYY-MM-DD folder, else
 * `incoming/<name>`.
 */
const defaultKey = (path: string) => {
  const parts = path.split(sep === '/' ? '/' : /[\\/]/);
  const inbox = parts.lastIndexOf('incoming');
  if (inbox >= 0 && inbox < parts.length - 1) return parts.slice(inbox).join('/');
  const folder = basename(dirname(path));
  const name = basename(path);
  return /^\d{4}-\d{2}-\d{2}$/.test(folder) ? `incoming/${folder}/${name}` : `incoming/${name}`;
};

const cap = maxBytes ?? defaultMaxUploadBytes;
const bytes = readInput(file!, cap);
const key = values.key ?? defaultKey(file!);

try {
  if (bytes === undefined)
    throw new InvalidUploadError('too-large', `upload is larger than the limit of ${cap} bytes`, {
      location: { offset: cap },
    });
  const { issue, unplaced } = readUploadReport(bytes, key, { maxBytes });
  process.stdout.write(`${JSON.stringify(issue, null, 2)}\n`);
  // Published all the same, but an operator should look (docs/page-text-layout.md).
  for (const { line, text } of unplaced) process.stderr.write(`unplaced: line ${line}: ${text}\n`);
} catch (error) {
  if (!(error instanceof InvalidUploadError)) throw error;
  const where = Object.entries(error.location ?? {})
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');
  fail(
    `rejected (${error.code}): ${error.message}${where ? `\nlocation: ${where}` : ''}\nread as: ${key}`,
    1,
  );
}
