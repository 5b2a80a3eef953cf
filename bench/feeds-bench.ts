import { parseSiteConfig } from '../shared/config.ts';
import { buildSubscriptionFeeds } from '../shared/feeds/build-feeds.ts';
import { sectionSpec } from '../shared/feeds/feed-spec.ts';
import type { PublishedArticle, PublishedIssue } from '../shared/model/published.ts';
import { type BenchResult, median } from './goal.ts';

/**
 * Feed rendering cost (issue 3): one section's subscription set — RSS, Atom and JSON Feed —
 * over 7 issues × 40 articles of about 1.5 KB of text each, with the default config (512 KB
 * cap per document, so the cap's work is included). The baseline is `JSON.stringify` of the
 * same 280 published articles, measured interleaved with the render so machine load hits
 * both alike; the goal is a ratio, since absolute times on a shared machine are context only.
 */

const issues = 7;
const articlesPerIssue = 40;
const repetitions = 61;

// ~125 characters × 3 bytes ≈ 375 bytes per paragraph, 4 paragraphs ≈ 1.5 KB per article.
const paragraph = (issue: number, article: number, n: number) =>
  `${issue}-${article}-${n} 衢州市坚持“工业强市、产业兴市”发展战略,加快推进“五链”融合,服务支持企业发展,聚焦主导产业发展需求拜访重点企业、洽谈经贸合作。代表团一行深入贯彻对外开放的重要论述精神,按照推进高水平对外开放、打造高能级开放强省的部署,着力招引更多外商投资大好项目。`.slice(
    0,
    125,
  );

const pad = (n: number) => String(n).padStart(2, '0');

const makeIssue = (index: number): PublishedIssue => {
  const date = `2024-11-${pad(30 - index)}`;
  const articles: PublishedArticle[] = [];
  for (let a = 0; a < articlesPerIssue; a += 1) {
    // Reading order gives descending times, one second apart, from 05:00.
    const second = 3600 * 5 - a;
    const time = `${date}T${pad(Math.floor(second / 3600))}:${pad(Math.floor((second % 3600) / 60))}:${pad(second % 60)}+08:00`;
    articles.push({
      id: `p1-${(0x10000000 + a).toString(16)}`,
      kind: a % 10 === 9 ? 'photo' : 'news',
      kicker: a % 3 === 0 ? '扎实推进高水平对外开放' : undefined,
      title: `第${a + 1}篇 高屹率团赴韩国开展经贸考察访问`,
      subtitle: a % 4 === 0 ? '加快培育高质量发展新动能' : undefined,
      byline: [
        { name: '徐颖之', role: 'reporter' },
        { name: '余黎红', role: 'correspondent' },
      ],
      dateline: '本报讯',
      paragraphs: [0, 1, 2, 3].map((n) => paragraph(index, a, n)),
      order: a,
      published: time,
      updated: time,
      contentHash: `hash-${date}-${a}`,
      status: 'published',
    });
  }
  return {
    schemaVersion: 1,
    paper: { name: '衢州日报' },
    date,
    pages: [
      { number: 1, section: '要闻', sectionSlug: 'yaowen', source: `incoming/${date}/01.txt`, articles },
    ],
    updated: `${date}T05:00:00+08:00`,
  };
};

export const run = async (): Promise<BenchResult> => {
  const config = parseSiteConfig({ siteUrl: 'https://news.example.cn' });
  const window = Array.from({ length: issues }, (_, i) => makeIssue(i));
  const items = window.flatMap((issue) => issue.pages.flatMap((page) => page.articles));
  const spec = sectionSpec('要闻', config);
  const render = () => buildSubscriptionFeeds(spec, window, {}, config);
  const stringify = () => JSON.stringify(items);

  // Warm both paths up before measuring: with only a few warm-up calls the renderer's functions
  // were still tiering up (optimising compiler) during the samples, and runs came out bimodal.
  for (let i = 0; i < 40; i += 1) {
    render();
    stringify();
  }
  // Each sample times one render and a batch of stringify calls of about the same duration, so
  // the two see the same load on a shared machine (a 0.5 ms task is rarely preempted, a 10 ms
  // one often is; timing them unbatched would bias the ratio).
  const probe = performance.now();
  render();
  const renderGuess = performance.now() - probe;
  const probe2 = performance.now();
  stringify();
  const batch = Math.max(1, Math.round(renderGuess / Math.max(0.01, performance.now() - probe2)));
  const renderMs: number[] = [];
  const stringifyMs: number[] = [];
  let docs = render();
  for (let i = 0; i < repetitions; i += 1) {
    let start = performance.now();
    docs = render();
    renderMs.push(performance.now() - start);
    start = performance.now();
    for (let j = 0; j < batch; j += 1) stringify();
    stringifyMs.push((performance.now() - start) / batch);
  }
  // Context, not the goal: the documents may stay V8 ropes until encoded, and the store
  // encodes them to UTF-8. Compare bytes with bytes: render + encode against stringify + encode.
  const toBytesMs: number[] = [];
  const baselineBytesMs: number[] = [];
  for (let i = 0; i < 21; i += 1) {
    let start = performance.now();
    const fresh = render();
    for (const text of [fresh.rss, fresh.atom, fresh.json]) Buffer.from(text, 'utf8');
    toBytesMs.push(performance.now() - start);
    start = performance.now();
    for (let j = 0; j < batch; j += 1) Buffer.from(stringify(), 'utf8');
    baselineBytesMs.push((performance.now() - start) / batch);
  }
  const render50 = median(renderMs);
  const stringify50 = median(stringifyMs);
  const ratio = render50 / stringify50;
  const kb = (s: string) => (Buffer.byteLength(s, 'utf8') / 1024).toFixed(0);
  const count = (s: string, needle: string) => s.split(needle).length - 1;
  return {
    title: `feeds: one section, ${issues} issues × ${articlesPerIssue} articles, RSS + Atom + JSON Feed`,
    lines: [
      `input JSON.stringify: ${kb(stringify())} KB, median ${stringify50.toFixed(2)} ms`,
      `render all three formats: median ${render50.toFixed(2)} ms (${repetitions} interleaved repetitions)`,
      `to UTF-8 bytes: render + encode median ${median(toBytesMs).toFixed(2)} ms vs stringify + encode ${median(baselineBytesMs).toFixed(2)} ms, ratio ${(median(toBytesMs) / median(baselineBytesMs)).toFixed(2)} (context)`,
      `documents: rss ${kb(docs.rss)} KB (${count(docs.rss, '<item>')} items), atom ${kb(docs.atom)} KB (${count(docs.atom, '<entry>')} entries), json ${kb(docs.json)} KB (${count(docs.json, '"id":"tag:')} items); cap ${config.maxFeedBytes / 1024} KB`,
      `ratio render / JSON.stringify: ${ratio.toFixed(2)}`,
    ],
    goals: [{ name: 'feeds-render-ratio', measured: Number(ratio.toFixed(2)), op: '<=', target: 5 }],
  };
};
