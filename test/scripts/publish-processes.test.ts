import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PublishedIssue } from '../../shared/model/published.ts';
import { publishCli } from './support/child.ts';

const sections = ['要闻', '综合', '经济', '民生', '文化'];

/** A small page of 2024-11-30 whose articles name their page, so every page is told apart. */
const pageText = (n: number) =>
  [
    '2024年11月30日 星期六',
    `第${n}版 ${sections[n % sections.length]}`,
    `衢州新闻头条${n}号`,
    `本报讯(记者 叶思远)11月28日,开化县音坑乡对门村的村民完成了第${n}版报道的一件事情。`,
    `衢州新闻二条${n}号`,
    `本报讯(通讯员 方晓岚)近日,第${n}版第二篇文章的正文内容在这里,村民们说起这件事。`,
  ].join('\n\n');

describe('npm run publish, many processes on one data folder', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('has every page in the site that a process reported as published', async () => {
    const data = await mkdtemp(join(tmpdir(), 'publish-processes-'));
    dirs.push(data);
    const pages = Array.from({ length: 20 }, (_, i) => i + 1);
    for (const n of pages) await writeFile(join(data, `page${n}.txt`), pageText(n));
    const results = await Promise.all(
      pages.map((n) =>
        publishCli(
          '--data',
          data,
          '--key',
          `incoming/2024-11-30/${String(n).padStart(2, '0')}.txt`,
          join(data, `page${n}.txt`),
        ),
      ),
    );
    const issue = JSON.parse(
      await readFile(join(data, 'site', 'issues', '2024-11-30.json'), 'utf8'),
    ) as PublishedIssue;
    const inSite = new Set(issue.pages.map((p) => p.number));
    const all = await readFile(join(data, 'site', 'feeds', 'all', 'rss.xml'), 'utf8');
    results.forEach((result, i) => {
      const n = pages[i]!;
      // Success is what a process reports; whatever it reports must be true of the site.
      if (result.code === 0) {
        expect(result.stdout).toContain(`✓ incoming/2024-11-30/${String(n).padStart(2, '0')}.txt`);
        expect(inSite.has(n)).toBe(true);
        expect(all).toContain(`完成了第${n}版报道的一件事情`);
      } else expect(result.stderr).not.toBe('');
    });
    // And none should need to fail: the store holds across processes.
    expect(results.map((r) => r.code)).toEqual(pages.map(() => 0));
    expect([...inSite].sort((a, b) => a - b)).toEqual(pages);
  }, 300_000);
});
