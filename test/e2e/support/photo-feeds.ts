import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubscriptionFeeds } from '../../../shared/feeds/build-feeds.ts';
import { allSectionsSpec } from '../../../shared/feeds/feed-spec.ts';
import type { PublishedPhoto } from '../../../shared/model/published.ts';
import { feedContentTypes, feedKey } from '../../../shared/site-layout.ts';
import { photoIssue, testConfig } from '../../feeds/feed-fixtures.ts';

/**
 * The all-sections feed of an issue with photos, served on loopback for the reader tests: the
 * publishing pipeline's photo ingestion is tested elsewhere, so the feeds are rendered from a
 * hand-made published issue (test/feeds/feed-fixtures.ts `photoIssue`).
 */
export interface PhotoFeeds {
  url: (format: 'rss' | 'atom') => string;
  /** The lead article's photos, absolute URLs of their large and thumbnail JPEGs. */
  lead: { id: string; photos: Array<{ large: string; thumbnail: string; photo: PublishedPhoto }> };
  close(): Promise<void>;
}

export const servePhotoFeeds = async (): Promise<PhotoFeeds> => {
  const documents: Record<string, { body: string; type: string }> = {};
  const server = createServer((request, response) => {
    const document = documents[request.url ?? ''];
    response.writeHead(document ? 200 : 404, { 'content-type': document?.type ?? 'text/plain' });
    response.end(document?.body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const siteUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = testConfig({ siteUrl });
  const issue = photoIssue();
  const feeds = buildSubscriptionFeeds(allSectionsSpec(config), [issue], {}, config);
  for (const format of ['rss', 'atom'] as const)
    documents[`/${feedKey('all', format)}`] = { body: feeds[format], type: feedContentTypes[format] };
  const lead = issue.pages[0]!.articles[0]!;
  return {
    url: (format) => `${siteUrl}/${feedKey('all', format)}`,
    lead: {
      id: lead.id,
      photos: (lead.photos ?? []).map((photo) => ({
        large: `${siteUrl}/${photo.large.key}`,
        thumbnail: `${siteUrl}/${photo.thumbnail.key}`,
        photo,
      })),
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
