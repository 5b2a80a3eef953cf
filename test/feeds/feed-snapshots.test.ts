import { describe, expect, it } from 'vitest';
import { buildArchiveFeeds, buildSubscriptionFeeds } from '../../shared/feeds/build-feeds.ts';
import { buildOpml } from '../../shared/feeds/build-opml.ts';
import { allSectionsSpec, sectionSpec } from '../../shared/feeds/feed-spec.ts';
import { photoIssue, richIssue, testConfig } from './feed-fixtures.ts';

/**
 * One snapshot per format on a fixed input (the times are in the fixture: no clock is read).
 * A diff here is a change every subscriber's reader will see: review it as such.
 */

const config = testConfig({ websubHub: 'https://hub.example.com/' });
const issue = richIssue();

describe('feed snapshots', () => {
  const subscription = buildSubscriptionFeeds(
    allSectionsSpec(config),
    [issue],
    { newestArchiveDate: issue.date },
    config,
  );

  it('renders the all-sections RSS 2.0 document', async () => {
    await expect(subscription.rss).toMatchFileSnapshot('./__snapshots__/all.rss.xml');
  });

  it('renders the all-sections Atom 1.0 document', async () => {
    await expect(subscription.atom).toMatchFileSnapshot('./__snapshots__/all.atom.xml');
  });

  it('renders the all-sections JSON Feed 1.1 document', async () => {
    // Indented for a reviewable diff; the compact bytes are exactly JSON.stringify of this value
    // (tested in build-feeds.test.ts), so the snapshot still pins them.
    expect(subscription.json).toBe(JSON.stringify(JSON.parse(subscription.json)));
    await expect(`${JSON.stringify(JSON.parse(subscription.json), null, 2)}\n`).toMatchFileSnapshot(
      './__snapshots__/all.feed.json',
    );
  });

  it('renders a section archive document', async () => {
    const archive = buildArchiveFeeds(sectionSpec('要闻', config), issue, { prevDate: '2024-11-29' }, config);
    await expect(archive.atom).toMatchFileSnapshot('./__snapshots__/yaowen-archive.atom.xml');
  });

  it('renders the OPML subscription list', async () => {
    const opml = buildOpml(
      [allSectionsSpec(config), sectionSpec('要闻', config), sectionSpec('综合', config)],
      config,
    );
    await expect(opml).toMatchFileSnapshot('./__snapshots__/feeds.opml');
  });
});

/** Photo items: added beside the snapshots above, which photos must not change. */
describe('feed snapshots with photos', () => {
  const subscription = buildSubscriptionFeeds(sectionSpec('要闻', config), [photoIssue()], {}, config);

  it('renders RSS enclosures and Media RSS for the photo items', async () => {
    await expect(subscription.rss).toMatchFileSnapshot('./__snapshots__/photos.rss.xml');
  });

  it('renders Atom enclosure links for the photo items', async () => {
    await expect(subscription.atom).toMatchFileSnapshot('./__snapshots__/photos.atom.xml');
  });

  it('renders JSON Feed image and attachments for the photo items', async () => {
    await expect(`${JSON.stringify(JSON.parse(subscription.json), null, 2)}\n`).toMatchFileSnapshot(
      './__snapshots__/photos.feed.json',
    );
  });
});
