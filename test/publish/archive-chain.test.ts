import { describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../../shared/config.ts';
import { publishUpload } from '../../shared/publish/publish-upload.ts';
import { archiveKey, type FeedFormat, feedKey } from '../../shared/site-layout.ts';
import { MemoryStore } from '../../shared/storage/memory-store.ts';
import type { Store } from '../../shared/storage/store.ts';
import { datesFrom, jsonUpload, syntheticIssue } from '../support/synthetic-issues.ts';
import { makeDeps, snapshot, text, upload } from './publish-kit.ts';

/**
 * RFC 5005 archive chains over a whole history, as a backfilling reader walks them: from the
 * subscription document down `prev-archive` to the oldest archive, and back up `next-archive` to
 * the newest, in every feed and every format.
 */

const siteUrl = 'https://news.example.cn';
// A window of 3 issues over 9 dates: most archives lie beyond the window, so links come from
// the calendars as well as from the windows.
// maxDaysAhead: the synthetic dates run five weeks past the fixed clock.
const config = parseSiteConfig({ siteUrl, windowIssues: 3, maxDaysAhead: 366 });
const dates = datesFrom('2024-12-27', 9);
const formats: FeedFormat[] = ['rss', 'atom', 'json'];

/** Odd and even dates have different third sections, so section chains skip dates. */
const sectionsOf = (date: string, moved: readonly string[] = []) =>
  Number(date.slice(-2)) % 2 === 1 && !moved.includes(date)
    ? ['要闻', '综合', '体育']
    : ['要闻', '综合', '文化'];

const uploadOf = (date: string, moved: readonly string[] = []) =>
  jsonUpload(
    syntheticIssue(date, {
      pages: 3,
      articlesPerPage: 2,
      paragraphsPerArticle: 1,
      charsPerParagraph: 40,
      sections: sectionsOf(date, moved),
    }),
  );

const publishDates = async (
  deps: ReturnType<typeof makeDeps>,
  order: readonly string[],
  moved: string[] = [],
) => {
  for (const date of order) {
    const u = uploadOf(date, moved);
    await upload(deps.input, u.key, u.bytes);
    const outcome = await publishUpload(deps, { type: 'created', key: u.key });
    expect(outcome.status).toBe('published');
  }
};

/** RFC 5005 links of a stored feed document: `rel` → absolute URL. */
const linksOf = async (site: Store, key: string, format: FeedFormat) => {
  const found = await site.get(key);
  if (found === undefined) throw new Error(`${key} is missing`);
  const body = text(found.body);
  const links: Record<string, string | undefined> = {};
  if (format === 'json') {
    const ext = (JSON.parse(body) as { _rfc5005?: Record<string, string> })._rfc5005 ?? {};
    links['prev-archive'] = ext.prev_archive;
    links['next-archive'] = ext.next_archive;
    links.current = ext.current;
  } else {
    for (const tag of body.matchAll(/<(?:atom:)?link [^>]*>/g)) {
      const rel = /rel="([^"]+)"/.exec(tag[0])?.[1];
      const href = /href="([^"]+)"/.exec(tag[0])?.[1];
      if (rel !== undefined) links[rel] = href;
    }
  }
  return { links, cacheControl: found.cacheControl };
};

const keyOf = (url: string) => {
  expect(url.startsWith(`${siteUrl}/`), url).toBe(true);
  return url.slice(siteUrl.length + 1);
};
const dateOf = (url: string) => /\/archive\/(\d{4}-\d{2}-\d{2})\//.exec(url)![1]!;

/**
 * Walk every chain: down from the subscription document, then up from the oldest archive.
 * Returns the dates seen per feed, oldest first.
 */
const walkChains = async (site: Store, slugs: readonly string[]) => {
  const seen: Record<string, string[]> = {};
  for (const slug of slugs) {
    for (const format of formats) {
      const current = `${siteUrl}/${feedKey(slug, format)}`;
      const down: string[] = [];
      let url = (await linksOf(site, feedKey(slug, format), format)).links['prev-archive'];
      while (url !== undefined) {
        expect(down.length, `${slug} ${format} chain ends`).toBeLessThan(dates.length);
        const { links } = await linksOf(site, keyOf(url), format);
        expect(links.current, url).toBe(current);
        down.push(dateOf(url));
        url = links['prev-archive'];
      }
      const up: string[] = [];
      url = down.length === 0 ? undefined : `${siteUrl}/${archiveKey(slug, down.at(-1)!, format)}`;
      while (url !== undefined) {
        expect(up.length, `${slug} ${format} chain ends`).toBeLessThan(dates.length);
        const { links, cacheControl } = await linksOf(site, keyOf(url), format);
        up.push(dateOf(url));
        // The newest archive will still gain its next link: only it is cached short.
        expect(cacheControl, url).toBe(
          links['next-archive'] === undefined ? 'public, max-age=300' : 'public, max-age=86400',
        );
        url = links['next-archive'];
      }
      expect(up, `${slug} ${format}: next-archive walks back what prev-archive walked`).toEqual(
        [...down].reverse(),
      );
      if (format === 'rss') seen[slug] = up;
      else expect(up, `${slug} ${format} like rss`).toEqual(seen[slug]);
    }
  }
  return seen;
};

const odd = dates.filter((d) => Number(d.slice(-2)) % 2 === 1);
const even = dates.filter((d) => Number(d.slice(-2)) % 2 === 0);
const slugs = ['all', 'yaowen', 'zonghe', 'tiyu', 'wenhua'];

const inOrder = async () => {
  const deps = makeDeps({ config, site: new MemoryStore() });
  await publishDates(deps, dates);
  return deps;
};

describe('archive chains (RFC 5005)', () => {
  it('walks the whole history both ways in every feed and format after in-order publishing', async () => {
    const { site } = await inOrder();
    expect(await walkChains(site, slugs)).toEqual({
      all: dates,
      yaowen: dates,
      zonghe: dates,
      tiyu: odd,
      wenhua: even,
    });
  });

  it('links both neighbours of a date published out of order, to the bytes of an in-order run', async () => {
    // Newest first, then the oldest, then dates inserted between existing ones.
    const order = [
      dates[8]!,
      dates[0]!,
      dates[4]!,
      dates[2]!,
      dates[6]!,
      dates[1]!,
      dates[7]!,
      dates[3]!,
      dates[5]!,
    ];
    const deps = makeDeps({ config, site: new MemoryStore() });
    await publishDates(deps, order);
    expect(await walkChains(deps.site, slugs)).toEqual({
      all: dates,
      yaowen: dates,
      zonghe: dates,
      tiyu: odd,
      wenhua: even,
    });
    const withoutReports = async (store: Store) =>
      Object.fromEntries(Object.entries(await snapshot(store)).filter(([k]) => !k.startsWith('reports/')));
    expect(await withoutReports(deps.site)).toEqual(await withoutReports((await inOrder()).site));
  });

  it('joins the neighbours of a date that leaves a section, or whose articles are all retracted', async () => {
    const deps = await inOrder();
    // An old date (beyond the window) and one inside it move their third page from 体育 to 文化.
    const moved = [dates[2]!, dates[7]!];
    await publishDates(deps, moved, moved);
    // Deleting the only upload of a date retracts all its articles: the date leaves every chain
    // (its archives are deleted), its records stay (the permalinks answer 410).
    const gone = dates[5]!;
    const deleted = uploadOf(gone);
    await deps.input.delete(deleted.key);
    expect((await publishUpload(deps, { type: 'removed', key: deleted.key })).status).toBe('retracted');
    const left = dates.filter((d) => d !== gone);
    expect(await walkChains(deps.site, slugs)).toEqual({
      all: left,
      yaowen: left,
      zonghe: left,
      tiyu: odd.filter((d) => !moved.includes(d) && d !== gone),
      wenhua: [...even, ...moved].filter((d) => d !== gone).sort(),
    });
    for (const date of moved) expect(await deps.site.get(archiveKey('tiyu', date, 'rss'))).toBeUndefined();
    for (const slug of slugs) expect(await deps.site.get(archiveKey(slug, gone, 'atom'))).toBeUndefined();
  });
});
