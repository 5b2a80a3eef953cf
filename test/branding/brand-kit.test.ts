import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  brandFiles,
  brandKitId,
  brandManifestFile,
  faviconIcoFile,
  siteBrandKitId,
} from '../../shared/branding/brand-assets.ts';
import { renderBrandKit } from '../../shared/branding/render-brand-kit.ts';
import { ensureBrandKit } from '../../shared/branding/write-brand-kit.ts';
import { parseSiteConfig } from '../../shared/config.ts';
import { ConfigError } from '../../shared/errors.ts';
import { silentLog } from '../../shared/log.ts';
import { brandKey } from '../../shared/site-layout.ts';
import { MemoryStore } from '../../shared/storage/memory-store.ts';

/** The branding kit rendered for real with sharp; test logos are generated here, none shipped. */

const config = parseSiteConfig({ siteUrl: 'https://news.example.cn' });
/** A wide operator logo (3:1), drawn in the test. */
const wideSvg =
  '<svg xmlns="http://www.w3.org/2000/svg" width="900" height="300"><rect width="900" height="300" fill="#123456"/></svg>';

const pngSize = async (body: Uint8Array) => {
  const meta = await sharp(body).metadata();
  return { format: meta.format, width: meta.width, height: meta.height };
};

describe('renderBrandKit', () => {
  it('renders every size readers ask for as PNG, at its exact size', async () => {
    const kit = await renderBrandKit(wideSvg, '#123456');
    for (const spec of Object.values(brandFiles)) {
      const file = kit.files.find((f) => f.key === brandKey(kit.id, spec.file));
      expect(file?.contentType).toBe('image/png');
      expect(await pngSize(file!.body)).toEqual({ format: 'png', width: spec.width, height: spec.height });
    }
    // A 512 px square icon, a 180 px apple-touch-icon, a 64 px favicon and a 2:1 logo, as asked.
    expect(brandFiles.icon512.width).toBeGreaterThanOrEqual(512);
    expect(brandFiles.logo.width).toBe(2 * brandFiles.logo.height);
  });

  it('keeps a wide logo whole in a square icon (transparent margins)', async () => {
    const kit = await renderBrandKit(wideSvg, '#123456');
    const icon = kit.files.find((f) => f.key.endsWith(brandFiles.icon512.file))!;
    const { data, info } = await sharp(icon.body).raw().toBuffer({ resolveWithObject: true });
    const alphaAt = (x: number, y: number) => data[(y * info.width + x) * info.channels + 3];
    expect(alphaAt(256, 5)).toBe(0);
    expect(alphaAt(256, 256)).toBe(255);
  });

  it('writes an ICO holding the 32 and 64 px PNGs', async () => {
    const kit = await renderBrandKit(wideSvg, '#123456');
    const ico = Buffer.from(kit.files.find((f) => f.key.endsWith(faviconIcoFile))!.body);
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2), ico.readUInt16LE(4)]).toEqual([0, 1, 2]);
    const sizes = [0, 1].map((i) => ico.readUInt8(6 + 16 * i));
    expect(sizes).toEqual([32, 64]);
    const offset = ico.readUInt32LE(6 + 12);
    const length = ico.readUInt32LE(6 + 8);
    expect(await pngSize(ico.subarray(offset, offset + length))).toMatchObject({ width: 32, height: 32 });
  });

  it('gives the same bytes for the same logo and colour', async () => {
    const [a, b] = await Promise.all([
      renderBrandKit(wideSvg, '#123456'),
      renderBrandKit(wideSvg, '#123456'),
    ]);
    expect(a.id).toBe(b.id);
    expect(a.files.map((f) => Buffer.from(f.body).toString('base64'))).toEqual(
      b.files.map((f) => Buffer.from(f.body).toString('base64')),
    );
  });

  it('accepts a large PNG and refuses a small one, or something that is not an image', async () => {
    const png = (side: number) =>
      sharp({ create: { width: side, height: side, channels: 4, background: '#aa0000' } })
        .png()
        .toBuffer();
    const kit = await renderBrandKit(new Uint8Array(await png(600)), '#aa0000');
    expect(kit.files).toHaveLength(Object.keys(brandFiles).length + 2);
    await expect(renderBrandKit(new Uint8Array(await png(200)), '#aa0000')).rejects.toThrow(
      /at least 512 px/,
    );
    await expect(renderBrandKit(new TextEncoder().encode('not an image'), '#aa0000')).rejects.toBeInstanceOf(
      ConfigError,
    );
  });
});

describe('ensureBrandKit', () => {
  it('writes the default kit once, immutable, under the id the feeds name', async () => {
    const site = new MemoryStore();
    const first = await ensureBrandKit(site, config, silentLog);
    expect(first).toEqual({ id: siteBrandKitId(config), written: true });
    const icon = await site.get(brandKey(first.id, brandFiles.icon512.file));
    expect(icon?.cacheControl).toBe('public, max-age=31536000, immutable');
    expect(icon?.contentType).toBe('image/png');
    expect(await site.get(brandKey(first.id, brandManifestFile))).toBeDefined();
    expect(await ensureBrandKit(site, config, silentLog)).toEqual({ id: first.id, written: false });
  });

  it('uses the operator logo the config names, and refuses another one', async () => {
    const logo = new TextEncoder().encode(wideSvg);
    const operator = parseSiteConfig({ ...config, brandKit: brandKitId(logo, config.accentColor) });
    const site = new MemoryStore();
    const { id } = await ensureBrandKit(site, operator, silentLog, logo);
    expect(await site.get(brandKey(id, brandFiles.logo.file))).toBeDefined();
    await expect(ensureBrandKit(site, operator, silentLog)).rejects.toThrow(/pass the logo/);
    await expect(
      ensureBrandKit(site, config, silentLog, new TextEncoder().encode(wideSvg.replace('123456', '654321'))),
    ).rejects.toBeInstanceOf(ConfigError);
  });
});
