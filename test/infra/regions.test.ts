import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { assertSupportedRegion } from '../../infra/regions.ts';
import { ConfigError } from '../../shared/errors.ts';
import { synth } from './synth-kit.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

describe('regions the publisher cannot run in', () => {
  it.each(['cn-north-1', 'cn-northwest-1'])(
    'refuses %s: no CloudFront Functions or origin access control',
    (region) => {
      expect(() => assertSupportedRegion(region)).toThrow(ConfigError);
      expect(() => assertSupportedRegion(region)).toThrow(
        /no CloudFront Functions and no origin access control/,
      );
    },
  );

  it.each(['af-south-1', 'ap-east-1', 'eu-south-1', 'me-south-1'])(
    'refuses %s: CloudFront cannot deliver its logs there',
    (region) => {
      expect(() => assertSupportedRegion(region)).toThrow(/cannot deliver standard access logs/);
      // The message says what to do instead.
      expect(() => assertSupportedRegion(region)).toThrow(/Deploy it in another region/);
    },
  );

  it.each(['ap-southeast-1', 'ap-northeast-1', 'us-east-1', 'eu-west-1', undefined])(
    'accepts %s',
    (region) => {
      expect(() => assertSupportedRegion(region)).not.toThrow();
    },
  );

  it('refuses the region the CLI deploys to before building anything', () => {
    expect(() => synth({}, 'ap-east-1')).toThrow(ConfigError);
    expect(() => synth({}, 'ap-southeast-1')).not.toThrow();
  });

  it('fails `cdk synth` (the app entry) with the message when the CLI region is a China region', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'cdk-region-'));
    const failed = await run(join(root, 'node_modules/.bin/tsx'), ['infra/app.ts'], {
      cwd: root,
      // What the CDK CLI hands the app: the profile's region, an output directory, context.
      env: {
        PATH: process.env.PATH ?? '',
        CDK_DEFAULT_REGION: 'cn-north-1',
        CDK_OUTDIR: outdir,
        CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:bundling-stacks': [] }),
      },
      timeout: 60_000,
    }).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failed?.code).not.toBe(0);
    expect(failed?.stderr).toMatch(/cannot deploy the publisher in cn-north-1/);
  }, 70_000);
});
