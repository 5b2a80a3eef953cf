import { describe, expect, it } from 'vitest';
import { parseStartOptions, startDefaults } from '../../../scripts/lib/start-options.ts';
import { UsageError } from '../../../shared/errors.ts';

describe('parseStartOptions', () => {
  it('uses the documented defaults when no option is given', () => {
    expect(parseStartOptions([])).toEqual({
      port: 8080,
      data: './data',
      host: '127.0.0.1',
      s3: false,
      s3Port: 4568,
      config: {},
      help: false,
    });
    expect(startDefaults.port).toBe(8080);
  });

  it('reads every option in both --name value and --name=value forms', () => {
    expect(
      parseStartOptions(['--port', '0', '--data=/tmp/x', '--host', '::1', '--s3', '--s3-port=9000']),
    ).toEqual({ port: 0, data: '/tmp/x', host: '::1', s3: true, s3Port: 9000, config: {}, help: false });
  });

  it('passes the media limits on as config keys', () => {
    expect(
      parseStartOptions([
        '--max-image-bytes',
        '2097152',
        '--max-image-pixels=24000000',
        '--max-pdf-bytes',
        '2048',
      ]).config,
    ).toEqual({ maxImageBytes: '2097152', maxImagePixels: '24000000', maxPdfBytes: '2048' });
  });

  it('recognises -h as help', () => {
    expect(parseStartOptions(['-h']).help).toBe(true);
  });

  it.each([
    [['--port', 'eighty']],
    [['--port', '65536']],
    [['--port', '-1']],
    [['--s3-port', '1.5']],
    [['--data', '']],
    [['--colour']],
    [['extra']],
    [['--port']],
  ])('rejects %j with a usage error', (argv) => {
    expect(() => parseStartOptions(argv)).toThrow(UsageError);
  });
});
