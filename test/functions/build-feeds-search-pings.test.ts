import { readFileSync } from 'node:fs';
import type { S3Event } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/build-feeds/handler.ts';
import { parseSiteConfig } from '../../shared/config.ts';
import { fixture, makeDeps, readIssue, upload } from '../publish/publish-kit.ts';

/** The build function's wiring of the search-engine pings (shared/publish/notify-search-engines.ts). */

const chineseKeys = JSON.parse(
  readFileSync(new URL('../fixtures/events/chinese-keys.json', import.meta.url), 'utf8'),
) as S3Event;
const event = {
  Records: [
    {
      ...chineseKeys.Records[0]!,
      eventName: 'ObjectCreated:Put',
      s3: {
        ...chineseKeys.Records[0]!.s3,
        object: { key: 'incoming/2024-11-30/01.txt', size: 1, eTag: '', sequencer: '1' },
      },
    },
  ],
} as S3Event;

describe('build-feeds handler search-engine pings', () => {
  it('sends IndexNow the permalinks a publish changed, and nothing on a redelivery', async () => {
    const calls: Array<{ url: string; body: string }> = [];
    const recordingFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      calls.push({ url: String(input), body: String(init?.body ?? '') });
      return new Response(null, { status: 200 });
    }) as typeof fetch;
    const deps = {
      ...makeDeps({
        config: parseSiteConfig({ siteUrl: 'https://news.example.cn', indexNowKey: 'abcdef12' }),
      }),
      fetch: recordingFetch,
      searchPings: { indexNow: { endpoint: 'http://127.0.0.1:9/indexnow', key: 'abcdef12' } },
    };
    await upload(deps.input, 'incoming/2024-11-30/01.txt', fixture('01'));
    const handler = createHandler(deps);
    await handler(event);
    const issue = (await readIssue(deps.site, '2024-11-30'))!;
    expect(calls).toHaveLength(1);
    const sent = JSON.parse(calls[0]!.body) as { urlList: string[] };
    expect(sent.urlList.sort()).toEqual(
      [
        'https://news.example.cn/articles/2024-11-30/',
        ...issue.pages[0]!.articles.map((a) => `https://news.example.cn/articles/2024-11-30/${a.id}`),
      ].sort(),
    );
    await handler(event);
    expect(calls).toHaveLength(1);
  });
});
