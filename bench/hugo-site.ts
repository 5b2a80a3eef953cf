import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PublishedIssue } from '../shared/model/published.ts';

/**
 * The Hugo side of the import bench: the same articles (read from the imported site's issue
 * documents) as a Hugo content tree, rendered as RSS only — the home feed (every article) and
 * one per section, full text, no HTML pages. Hugo is Debian's `hugo` (0.111 here); missing, the
 * bench skips this side with a warning.
 */

export const hugoAvailable = () => spawnSync('hugo', ['version'], { encoding: 'utf8' }).status === 0;

const config = `baseURL = "https://news.example.cn/"
title = "衢州日报"
languageCode = "zh-cn"
disableKinds = ["taxonomy", "term", "sitemap", "robotsTXT", "404"]
rssLimit = -1
[outputs]
home = ["RSS"]
section = ["RSS"]
[[cascade]]
[cascade._build]
render = "never"
list = "always"
[cascade._target]
kind = "page"
`;

/** Full text in the description, as our feeds carry it. */
const rssTemplate = `{{ printf "<?xml version=\\"1.0\\" encoding=\\"utf-8\\"?>" | safeHTML }}
<rss version="2.0"><channel><title>{{ .Site.Title }} {{ .Title }}</title><link>{{ .Permalink }}</link>
{{ range .RegularPagesRecursive }}<item><title>{{ .Title }}</title><guid isPermaLink="false">{{ .File.ContentBaseName }}</guid><pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" }}</pubDate><description>{{ .Content | html }}</description></item>
{{ end }}</channel></rss>
`;

/** Write the Hugo project for the issues of a site folder; returns how many articles it holds. */
export const writeHugoProject = async (siteDir: string, projectDir: string) => {
  await mkdir(join(projectDir, 'layouts', '_default'), { recursive: true });
  await writeFile(join(projectDir, 'config.toml'), config);
  await writeFile(join(projectDir, 'layouts', '_default', 'rss.xml'), rssTemplate);
  let articles = 0;
  const made = new Set<string>();
  const issues = (await readdir(join(siteDir, 'issues'))).filter((f) => /^\d{4}-\d{2}-\d{2}\.json$/.test(f));
  for (const file of issues.sort()) {
    const issue = JSON.parse(await readFile(join(siteDir, 'issues', file), 'utf8')) as PublishedIssue;
    for (const page of issue.pages) {
      const dir = join(projectDir, 'content', page.sectionSlug);
      if (!made.has(dir)) {
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, '_index.md'), `---\ntitle: "${page.section}"\n---\n`);
        made.add(dir);
      }
      for (const article of page.articles) {
        const front = `---\ntitle: ${JSON.stringify(article.title)}\ndate: ${article.published}\n---\n\n`;
        await writeFile(join(dir, `${issue.date}-${article.id}.md`), front + article.paragraphs.join('\n\n'));
        articles += 1;
      }
    }
  }
  return articles;
};
