import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { reportKey } from '../../shared/site-layout.ts';
import { photoLikeJpeg } from '../media/generated-pictures.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const page01 = fileURLToPath(new URL('../fixtures/quzhou-daily-2024-11-30-page01.txt', import.meta.url));

describe('npm run import with media limits', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('holds photos and PDFs to the limits its flags and environment set', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'import-limits-'));
    dirs.push(dir);
    const day = join(dir, 'uploads', '2024-11-30');
    await mkdir(day, { recursive: true });
    await writeFile(join(day, '01.txt'), await readFile(page01));
    await writeFile(join(day, '01-古城韵味.jpg'), await photoLikeJpeg(1250, 1000, 4));
    await writeFile(join(day, '01.pdf'), `%PDF-1.7\n%${'x'.repeat(4000)}\ntrailer <<>>\n%%EOF\n`);
    const { SITE_URL: _, ...environment } = process.env;
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/import.ts',
        '--data',
        join(dir, 'data'),
        join(dir, 'uploads'),
        '--max-pdf-bytes',
        '2048',
      ],
      { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...environment, MAX_IMAGE_PIXELS: '1000000' } },
    );
    expect(run.status, run.stderr).toBe(1);
    const report = async (file: string) =>
      JSON.parse(
        await readFile(join(dir, 'data', 'site', reportKey(`incoming/2024-11-30/${file}`)), 'utf8'),
      ) as { ok: boolean; code: string; message: string };
    expect(await report('01-古城韵味.jpg')).toMatchObject({ ok: false, code: 'too-many-pixels' });
    expect((await report('01-古城韵味.jpg')).message).toContain('(maxImagePixels)');
    expect(await report('01.pdf')).toMatchObject({ ok: false, code: 'too-large' });
    expect((await report('01.pdf')).message).toContain('(maxPdfBytes)');
    expect(await report('01.txt')).toMatchObject({ ok: true });
  });
});
