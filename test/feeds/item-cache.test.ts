import { describe, expect, it } from 'vitest';
import { buildArchiveFeeds, buildSubscriptionFeeds } from '../../shared/feeds/build-feeds.ts';
import { allSectionsSpec, sectionSpec } from '../../shared/feeds/feed-spec.ts';
import { createItemCache } from '../../shared/feeds/item-cache.ts';
import type { PublishedIssue } from '../../shared/model/published.ts';
import { dailyIssues, hostileIssue, richIssue, testConfig } from './feed-fixtures.ts';

/** The per-build item cache shares work between documents; it must never change their bytes. */

const config = testConfig();
/** A deep copy, as another window document read from storage would hold it. */
const copy = (issue: PublishedIssue): PublishedIssue => JSON.parse(JSON.stringify(issue)) as PublishedIssue;

describe('item cache', () => {
  it('gives every document the bytes it has without a cache', () => {
    const window = [richIssue('2024-11-30'), hostileIssue('2024-11-29'), ...dailyIssues('2024-11-28', 5)];
    const cache = createItemCache(config);
    const specs = [allSectionsSpec(config), sectionSpec('要闻', config), sectionSpec('综合', config)];
    for (const spec of specs) {
      // Each spec renders from its own copies, like the all-sections and section windows.
      const issues = window.map(copy);
      expect(
        buildSubscriptionFeeds(spec, issues, { newestArchiveDate: '2024-11-30' }, config, cache),
      ).toEqual(buildSubscriptionFeeds(spec, window, { newestArchiveDate: '2024-11-30' }, config));
      expect(buildArchiveFeeds(spec, issues[0]!, { prevDate: '2024-11-29' }, config, cache)).toEqual(
        buildArchiveFeeds(spec, window[0]!, { prevDate: '2024-11-29' }, config),
      );
    }
  });

  it('serves no item of another article version: a correction or a retraction shows', () => {
    const before = richIssue();
    const after = copy(before);
    const first = after.pages[0]!.articles[0]!;
    first.title = '更正后的标题';
    first.contentHash = 'hash-corrected';
    first.updated = '2024-11-30T09:00:00+08:00';
    const second = after.pages[0]!.articles[1]!;
    second.status = 'retracted';
    second.retractedAt = '2024-11-30T10:00:00+08:00';
    const cache = createItemCache(config);
    const spec = allSectionsSpec(config);
    buildSubscriptionFeeds(spec, [before], {}, config, cache);
    expect(buildSubscriptionFeeds(spec, [after], {}, config, cache)).toEqual(
      buildSubscriptionFeeds(spec, [after], {}, config),
    );
    expect(buildSubscriptionFeeds(spec, [after], {}, config, cache).rss).toContain('更正后的标题');
  });

  it('is not used for another configuration', () => {
    const other = testConfig({ title: '衢州晚报', siteUrl: 'https://other.example.cn' });
    const cache = createItemCache(config);
    buildSubscriptionFeeds(allSectionsSpec(config), [richIssue()], {}, config, cache);
    const docs = buildSubscriptionFeeds(allSectionsSpec(other), [richIssue()], {}, other, cache);
    expect(docs).toEqual(buildSubscriptionFeeds(allSectionsSpec(other), [richIssue()], {}, other));
    expect(docs.atom).toContain('tag:other.example.cn,');
    expect(docs.atom).not.toContain('tag:news.example.cn,');
  });
});
