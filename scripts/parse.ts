import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { InvalidUploadError } from '../shared/errors.ts';
import { readUpload } from '../shared/readers/read-upload.ts';

/**
 * `npm run parse -- <file> [--key <upload key>] [--max-bytes <n>]`: read one upload the way
 * publishing does and print the normalized issue as JSON (exit 0), or the rejection on stderr
 * (exit 1). Usage errors exit 2. The key decides the reader and the hints, as in the bucket;
 * it defaults to `incoming/<file name>`.
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
const bytes = readInput(file!);
const key = values.key ?? `incoming/${basename(file!)}`;

try {
  const issue = readUpload(bytes, key, { maxBytes });
  process.stdout.write(`${JSON.stringify(issue, null, 2)}\n`);
} catch (error) {
  if (!(error instanceof InvalidUploadError)) throw error;
  const where = Object.entries(error.location ?? {})
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');
  fail(`rejected (${error.code}): ${error.message}${where ? `\nlocation: ${where}` : ''}`, 1);
}
