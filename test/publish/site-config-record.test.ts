import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { configFingerprint, parseSiteConfig } from '../../shared/config.ts';
import { publishUpload } from '../../shared/publish/publish-upload.ts';
import { readSiteConfigRecord } from '../../shared/publish/site-config-record.ts';
import { decodeWindow } from '../../shared/publish/site-state.ts';
import { feedKey, siteConfigKey, windowKey } from '../../shared/site-layout.ts';
import { FsStore } from '../../shared/storage/fs-store.ts';
import { CountingStore } from '../support/instrumented-store.ts';
import { config, fixture, makeDeps, snapshot, text, upload } from './publish-kit.ts';

const key01 = 'incoming/2024-11-30/01.txt';
const key02 = 'incoming/2024-11-30/02.txt';
const root = fileURLToPath(new URL('../..', import.meta.url));

describe('recorded site config', () => {
  const tempDirs: string[] = [];
  afterAll(async () => {
    for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
  });

  it('records the config on the first publish and not again while it is unchanged', async () => {
    const deps = makeDeps();
    await upload(deps.input, key01, fixture('01'));
    await upload(deps.input, key02, fixture('02'));
    const first = await publishUpload(deps, { type: 'created', key: key01 });
    expect(first.written).toContain(siteConfigKey);
    // Recorded with the id authority it minted ids under (the site host, nothing configured).
    const recordedConfig = { ...config, idAuthority: 'news.example.cn' };
    expect(await readSiteConfigRecord(deps.site)).toEqual(recordedConfig);
    const all = decodeWindow((await deps.site.get(windowKey('all')))!.body);
    expect(all.siteConfig).toBe(configFingerprint(recordedConfig));

    const counting = new CountingStore(deps.site);
    const second = await publishUpload({ ...deps, site: counting }, { type: 'created', key: key02 });
    expect(second.status).toBe('published');
    expect(second.written).not.toContain(siteConfigKey);
    // The fingerprint rides in the window header, which the publish reads anyway: no rewrite.
    expect(counting.putKeys).not.toContain(siteConfigKey);
  });

  it('records a changed config at the next publish', async () => {
    const deps = makeDeps();
    await upload(deps.input, key01, fixture('01'));
    await publishUpload(deps, { type: 'created', key: key01 });
    const moved = parseSiteConfig({ siteUrl: 'https://feeds.example.cn', windowIssues: 5 });
    await upload(deps.input, key02, fixture('02'));
    const outcome = await publishUpload({ ...deps, config: moved }, { type: 'created', key: key02 });
    expect(outcome.written).toContain(siteConfigKey);
    // A new URL is recorded; the id authority stays the first one.
    expect(await readSiteConfigRecord(deps.site)).toEqual({ ...moved, idAuthority: 'news.example.cn' });
  });

  it('neither records the media limits nor rewrites the record when only they change', async () => {
    const deps = makeDeps();
    await upload(deps.input, key01, fixture('01'));
    await publishUpload(deps, { type: 'created', key: key01 });
    const raw = text((await deps.site.get(siteConfigKey))!.body);
    expect(raw).not.toMatch(/maxImageBytes|maxImagePixels|maxPdfBytes/);
    const raised = parseSiteConfig({
      siteUrl: config.siteUrl,
      maxImagePixels: 200_000_000,
      maxPdfBytes: 2048,
    });
    await upload(deps.input, key02, fixture('02'));
    const outcome = await publishUpload({ ...deps, config: raised }, { type: 'created', key: key02 });
    expect(outcome.status).toBe('published');
    expect(outcome.written).not.toContain(siteConfigKey);
  });

  it('rebuilds a published site with its recorded URL, not the local default', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rebuild-config-'));
    tempDirs.push(dir);
    const deps = makeDeps({ site: new FsStore(dir) });
    await upload(deps.input, key01, fixture('01'));
    await publishUpload(deps, { type: 'created', key: key01 });
    const before = await snapshot(deps.site);

    const { SITE_URL: _, ...environment } = process.env;
    const run = spawnSync('npx', ['tsx', 'scripts/rebuild.ts', dir], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      env: environment,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/0 objects rewritten/);
    // The branding kit is the rebuild's to write (publishing never renders images); nothing else moves.
    const after = await snapshot(deps.site);
    expect(Object.keys(after).filter((k) => k.startsWith('brand/'))).not.toHaveLength(0);
    expect(Object.fromEntries(Object.entries(after).filter(([k]) => !k.startsWith('brand/')))).toEqual(
      before,
    );
    expect(text((await deps.site.get(feedKey('all', 'rss')))!.body)).toContain('https://news.example.cn/');
  });
});
