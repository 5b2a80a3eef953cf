import { readFileSync } from 'node:fs';
import { basename, dirname, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { InvalidUploadError } from '../shared/errors.ts';
import { readUpload } from '../shared/readers/read-upload.ts';
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

const readInput = (path: string) => {
  try {
    return readFileSync(path);
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

const bytes = readInput(file!);
const key = values.key ?? defaultKey(file!);

try {
  const issue = readUpload(bytes, key, { maxBytes });
  process.stdout.write(`${JSON.stringify(issue, null, 2)}\n`);
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
