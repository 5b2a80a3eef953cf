import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { brandAssets } from '../../shared/branding/brand-assets.ts';
import { atomRenderer } from '../../shared/feeds/atom.ts';
import { buildSubscriptionFeeds } from '../../shared/feeds/build-feeds.ts';
import { sanitizeHead } from '../../shared/feeds/feed-document.ts';
import { windowItems } from '../../shared/feeds/feed-items.ts';
import { allSectionsSpec } from '../../shared/feeds/feed-spec.ts';
import { jsonFeedRenderer } from '../../shared/feeds/json-feed.ts';
import { rssRenderer } from '../../shared/feeds/rss.ts';
import { plainText } from '../../shared/feeds/xml-text.ts';
import { makeIssue } from '../support/published-fixtures.ts';
import { siteUrl, testConfig } from './feed-fixtures.ts';
import { assertWellFormed, parseXml, textOf } from './xml-check.ts';

/**
 * Properties over arbitrary text (any code unit, lone surrogates and controls included): every
 * document stays well-formed and reads back as the sanitised text, and the byte sizes the cap
 * relies on equal the real UTF-8 sizes.
 */

const config = testConfig();
const anyText = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 });
const anyChars = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  maxLength: 40,
});

const issueWith = (title: string, paragraph: string, name: string, section: string) => {
  const issue = makeIssue('2024-11-30', [[section, 'section']], 1);
  const article = issue.pages[0]!.articles[0]!;
  article.title = title;
  article.kicker = paragraph;
  article.paragraphs = [paragraph, `${paragraph}${title}`];
  article.byline = [{ name, role: 'reporter' }];
  return issue;
};

describe('feed properties', () => {
  it('renders any text as well-formed documents that read back as the sanitised text', () => {
    fc.assert(
      fc.property(anyText, fc.oneof(anyText, anyChars), anyChars, (title, paragraph, name) => {
        const issue = issueWith(title, paragraph, name || '某', '要闻');
        const docs = buildSubscriptionFeeds(allSectionsSpec(config), [issue], {}, config);
        assertWellFormed(docs.rss);
        assertWellFormed(docs.atom);
        const expected = plainText(title);
        expect(textOf(parseXml(docs.rss).rss.channel.item[0].title)).toBe(expected);
        expect(textOf(parseXml(docs.atom).feed.entry[0].title)).toBe(expected);
        const json = JSON.parse(docs.json);
        expect(json.items[0].title).toBe(expected);
        expect(docs.json).toBe(JSON.stringify(json));
        expect(textOf(parseXml(docs.rss).rss.channel.item[0]['content:encoded'])).toBe(
          json.items[0].content_html,
        );
      }),
      { numRuns: 150 },
    );
  });

  it('sizes every fragment at exactly its UTF-8 length', () => {
    fc.assert(
      fc.property(
        anyText,
        fc.oneof(anyText, anyChars),
        anyChars,
        anyChars,
        (title, paragraph, name, section) => {
          const issue = issueWith(title, paragraph, name, section || '版');
          if (name === '') issue.pages[0]!.articles[0]!.byline = [];
          const items = windowItems(allSectionsSpec(config), [issue], config);
          const head = sanitizeHead({
            id: `${siteUrl}/feeds/all/atom.xml`,
            title: section,
            description: paragraph,
            paperName: `${name}报`,
            siteUrl,
            links: { self: `${siteUrl}/a`, home: `${siteUrl}/` },
            archive: false,
            brand: brandAssets(config),
          });
          for (const renderer of [rssRenderer, atomRenderer, jsonFeedRenderer]) {
            for (const item of items) {
              const { text, bytes } = renderer.fragment(item, head);
              expect(bytes).toBe(Buffer.byteLength(text, 'utf8'));
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
