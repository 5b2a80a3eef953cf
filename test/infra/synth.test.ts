import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { publisherStackId } from '../../infra/publisher-app.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

interface Template {
  Resources: Record<string, { Type: string; Properties: { Code?: { S3Key?: unknown }; Handler?: string } }>;
}
interface AssetManifest {
  files: Record<string, { source: { path: string; packaging?: string } }>;
}

/**
 * A real `cdk synth` through the CLI and cdk.json, with bundling: esbuild runs for both
 * handlers exactly as it does before a deploy. No Docker; the network only for the npm registry,
 * which installs the build function's native module (sharp) for linux-arm64 into its asset.
 */
describe('cdk synth with bundling', () => {
  let outdir: string;
  let template: Template;
  let assets: AssetManifest;

  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), 'cdk-synth-'));
    await run(join(root, 'node_modules/.bin/cdk'), ['synth', '--quiet', '--no-notices', '-o', outdir], {
      cwd: root,
      // The CLI must not try to reach AWS for account/region lookups or version checks.
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', AWS_REGION: 'ap-southeast-1', CI: 'true' },
      // esbuild twice plus an npm install from the registry, on a machine other jobs share.
      timeout: 280_000,
    });
    template = JSON.parse(readFileSync(join(outdir, `${publisherStackId}.template.json`), 'utf8'));
    assets = JSON.parse(readFileSync(join(outdir, `${publisherStackId}.assets.json`), 'utf8'));
  }, 300_000);

  const bundleDir = (logicalIdPrefix: string): string => {
    const fn = Object.entries(template.Resources).find(
      ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(logicalIdPrefix),
    );
    expect(fn, logicalIdPrefix).toBeDefined();
    const key = fn![1].Properties.Code?.S3Key;
    expect(typeof key).toBe('string');
    const hash = (key as string).replace(/\.zip$/, '');
    const asset = assets.files[hash];
    expect(asset?.source.packaging).toBe('zip');
    return join(outdir, asset!.source.path);
  };

  it.each(['BuildFeeds', 'ServeArticle'])('bundles %s as one ESM file with a source map', (prefix) => {
    const dir = bundleDir(prefix);
    const bundle = join(dir, 'index.mjs');
    expect(existsSync(bundle)).toBe(true);
    expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
    const code = readFileSync(bundle, 'utf8');
    // The banner gives CommonJS dependencies a require() inside the ESM bundle.
    expect(
      code.startsWith("import{createRequire}from'module';const require=createRequire(import.meta.url);"),
    ).toBe(true);
    expect(code).toMatch(/sourceMappingURL=index\.mjs\.map/);
    // Minified and self-contained, well under Lambda's 50 MB zip limit.
    expect(statSync(bundle).size).toBeLessThan(5 * 1024 * 1024);
  });

  it('bundles the AWS SDK instead of relying on the runtime copy', () => {
    for (const prefix of ['BuildFeeds', 'ServeArticle']) {
      const code = readFileSync(join(bundleDir(prefix), 'index.mjs'), 'utf8');
      expect(code, prefix).not.toMatch(/from\s*["']@aws-sdk\//);
      expect(code, prefix).toContain('GetObject');
    }
    // The CloudFront client too (deleted photo renditions are invalidated), like client-s3.
    expect(readFileSync(join(bundleDir('BuildFeeds'), 'index.mjs'), 'utf8')).toContain('CreateInvalidation');
  });

  it('bundles the installed client-s3, recent enough to send IfMatch on PutObject', () => {
    const { version } = JSON.parse(
      readFileSync(join(root, 'node_modules/@aws-sdk/client-s3/package.json'), 'utf8'),
    ) as { version: string };
    const [major = 0, minor = 0] = version.split('.').map(Number);
    // IfMatch on PutObject arrived in 3.700.0; older clients drop the header without an error.
    expect(major === 3 && minor >= 700).toBe(true);
    // The client embeds its version (user agent): the bundle carries this very client.
    expect(readFileSync(join(bundleDir('BuildFeeds'), 'index.mjs'), 'utf8')).toContain(`"${version}"`);
  });

  it.each(['BuildFeeds', 'ServeArticle'])('produces a %s bundle that plain Node loads', async (prefix) => {
    // Plain Node (not vitest's loader), no AWS and no environment: production wiring is lazy.
    const url = pathToFileURL(join(bundleDir(prefix), 'index.mjs')).href;
    const { stdout } = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(url)}); console.log(typeof m.handler);`,
      ],
      { env: { PATH: process.env.PATH ?? '' }, timeout: 30_000 },
    );
    expect(stdout.trim()).toBe('function');
  });

  it('ships the linux-arm64 build of sharp in the build function, and no x64 build', () => {
    const modules = join(bundleDir('BuildFeeds'), 'node_modules');
    const { dependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const version = dependencies.sharp!;
    expect(JSON.parse(readFileSync(join(modules, 'sharp/package.json'), 'utf8')).version).toBe(version);
    const binaries = readdirSync(join(modules, '@img/sharp-linux-arm64/lib'));
    expect(binaries).toContain(`sharp-linux-arm64-${version}.node`);
    // The shared object is an ELF for AArch64 (e_machine 183), not the synthesizing machine's.
    const elf = readFileSync(join(modules, `@img/sharp-linux-arm64/lib/sharp-linux-arm64-${version}.node`));
    expect([elf.subarray(0, 4).toString('latin1'), elf.readUInt16LE(18)]).toEqual(['\x7fELF', 183]);
    expect(readdirSync(join(modules, '@img')).sort()).toEqual([
      'colour',
      'sharp-libvips-linux-arm64',
      'sharp-linux-arm64',
    ]);
    expect(existsSync(join(modules, '@img/sharp-linux-x64'))).toBe(false);
  });

  it('gives the permalink function no native modules', () => {
    expect(existsSync(join(bundleDir('ServeArticle'), 'node_modules'))).toBe(false);
  });

  it('writes the cdk-nag validation report with no violations', () => {
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{ pluginName: string; violations: unknown[] }>;
    };
    expect(report.pluginReports.length).toBeGreaterThan(0);
    for (const plugin of report.pluginReports) expect(plugin.violations, plugin.pluginName).toEqual([]);
  });
});
