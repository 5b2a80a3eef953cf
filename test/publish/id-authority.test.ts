import { describe, expect, it } from 'vitest';
import { resolveRebuildConfig } from '../../scripts/lib/rebuild-config.ts';
import { parseSiteConfig } from '../../shared/config.ts';
import { publishUpload } from '../../shared/publish/publish-upload.ts';
import { rebuildSite } from '../../shared/publish/rebuild-site.ts';
import { readSiteConfigRecord } from '../../shared/publish/site-config-record.ts';
import { siteConfigKey } from '../../shared/site-layout.ts';
import type { Store } from '../../shared/storage/store.ts';
import { recordingLog } from '../support/recording-log.ts';
import { fixture, makeDeps, text, upload } from './publish-kit.ts';

const key01 = 'incoming/2024-11-30/01.txt';
const key02 = 'incoming/2024-11-30/02.txt';
const key04 = 'incoming/2024-11-30/04.txt';
const launch = parseSiteConfig({ siteUrl: 'https://d111.cloudfront.net' });
const customDomain = parseSiteConfig({ siteUrl: 'https://feeds.qzrb.cn' });

/** Item ids of every feed document (subscription feeds and archives), by document. */
const idsByDocument = async (site: Store) => {
  const ids = new Map<string, Set<string>>();
  for await (const key of site.list('feeds/')) {
    const body = text((await site.get(key))!.body);
    ids.set(key, new Set(body.match(/tag:[^<"\s]+/g) ?? []));
  }
  return ids;
};

const publishSample = async (deps: ReturnType<typeof makeDeps>) => {
  await upload(deps.input, key01, fixture('01'));
  await upload(deps.input, key04, fixture('04'));
  await publishUpload(deps, { type: 'created', key: key01 });
  await publishUpload(deps, { type: 'created', key: key04 });
};

describe('item ids across a change of domain', () => {
  it('keeps every GUID when the site moves to a custom domain; links follow the new domain', async () => {
    const deps = makeDeps({ config: launch });
    await publishSample(deps);
    const before = await idsByDocument(deps.site);
    expect([...before.get('feeds/all/rss.xml')!][0]).toMatch(/^tag:d111\.cloudfront\.net,2024-11-30:/);

    await upload(deps.input, key02, fixture('02'));
    const moved = await publishUpload({ ...deps, config: customDomain }, { type: 'created', key: key02 });
    expect(moved.status).toBe('published');
    const after = await idsByDocument(deps.site);
    let compared = 0;
    for (const [document, ids] of before) {
      for (const id of ids) {
        expect(after.get(document)?.has(id), `${id} in ${document}`).toBe(true);
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(10);
    // Page 2's new items are minted under the same authority, and the links use the new domain.
    const all = text((await deps.site.get('feeds/all/rss.xml'))!.body);
    expect(all).not.toContain('tag:feeds.qzrb.cn');
    expect(all).toContain('<link>https://feeds.qzrb.cn/articles/2024-11-30/');
    expect((await readSiteConfigRecord(deps.site))?.idAuthority).toBe('d111.cloudfront.net');
  });

  it('takes a configured id authority at the first publish and ignores a different one later, with a warning', async () => {
    const deps = makeDeps({ config: parseSiteConfig({ siteUrl: launch.siteUrl, idAuthority: 'qzrb.cn' }) });
    await publishSample(deps);
    expect([...(await idsByDocument(deps.site)).get('feeds/all/atom.xml')!][0]).toMatch(/^tag:qzrb\.cn,/);

    const { log, lines } = recordingLog();
    await upload(deps.input, key02, fixture('02'));
    const config = parseSiteConfig({ siteUrl: customDomain.siteUrl, idAuthority: 'feeds.qzrb.cn' });
    await publishUpload({ ...deps, config, log }, { type: 'created', key: key02 });
    const ids = [...(await idsByDocument(deps.site)).get('feeds/all/atom.xml')!];
    expect(ids.every((id) => id.startsWith('tag:qzrb.cn,'))).toBe(true);
    expect(lines.some((e) => e.level === 'warn' && /id authority ignored/.test(e.message))).toBe(true);
  });

  it('keeps the ids of a site recorded before ids had their own setting, through a rebuild with a new URL', async () => {
    const deps = makeDeps({ config: launch });
    await publishSample(deps);
    const before = await idsByDocument(deps.site);
    // A record as the previous version wrote it: no idAuthority key.
    const record = JSON.parse(text((await deps.site.get(siteConfigKey))!.body)) as {
      siteConfig: Record<string, unknown>;
    };
    delete record.siteConfig.idAuthority;
    await deps.site.put(siteConfigKey, JSON.stringify(record), {
      contentType: 'application/json',
      cacheControl: 'no-store',
    });
    const resolved = resolveRebuildConfig({
      recorded: await readSiteConfigRecord(deps.site),
      overrides: { siteUrl: customDomain.siteUrl },
      environment: {},
      remote: true,
      localSiteUrl: 'http://127.0.0.1:8080',
    });
    expect(resolved.config.idAuthority).toBe('d111.cloudfront.net');
    await rebuildSite({ ...deps, config: resolved.config });
    expect(await idsByDocument(deps.site)).toEqual(before);
  });

  it('changes every id only when the operator rebuilds with --id-authority', async () => {
    const deps = makeDeps({ config: launch });
    await publishSample(deps);
    const resolved = resolveRebuildConfig({
      recorded: await readSiteConfigRecord(deps.site),
      overrides: { idAuthority: 'qzrb.cn' },
      environment: {},
      remote: true,
      localSiteUrl: 'http://127.0.0.1:8080',
    });
    await rebuildSite({ ...deps, config: resolved.config });
    const ids = [...(await idsByDocument(deps.site)).get('feeds/all/rss.xml')!];
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id) => id.startsWith('tag:qzrb.cn,'))).toBe(true);
    expect((await readSiteConfigRecord(deps.site))?.idAuthority).toBe('qzrb.cn');
  });
});
