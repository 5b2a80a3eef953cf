import { describe, expect, it } from 'vitest';
import { buildOpml } from '../../shared/feeds/build-opml.ts';
import { allSectionsSpec, sectionSpec } from '../../shared/feeds/feed-spec.ts';
import { hostileText } from '../support/published-fixtures.ts';
import { siteUrl, testConfig } from './feed-fixtures.ts';
import { parseXml } from './xml-check.ts';

describe('buildOpml', () => {
  const config = testConfig();
  const feeds = [sectionSpec('要闻', config), sectionSpec('综合', config), allSectionsSpec(config)];
  const opml = buildOpml(feeds, config);

  // biome-ignore lint/suspicious/noExplicitAny: parsed OPML is an untyped tree
  const folders = (): any[] => parseXml(opml).opml.body.outline;

  it('lists every feed in all three formats, all sections first, with Chinese titles', () => {
    expect(folders().map((f) => f['@text'])).toEqual([
      '衢州日报 (RSS 2.0)',
      '衢州日报 (Atom 1.0)',
      '衢州日报 (JSON Feed 1.1)',
    ]);
    const [rss, atom, json] = folders();
    expect(rss.outline.map((o: Record<string, string>) => o['@title'])).toEqual([
      '衢州日报 · 全部版面',
      '衢州日报 · 要闻',
      '衢州日报 · 综合',
    ]);
    expect(rss.outline.map((o: Record<string, string>) => o['@xmlUrl'])).toEqual([
      `${siteUrl}/feeds/all/rss.xml`,
      `${siteUrl}/feeds/yaowen/rss.xml`,
      `${siteUrl}/feeds/zonghe/rss.xml`,
    ]);
    expect(atom.outline[1]['@xmlUrl']).toBe(`${siteUrl}/feeds/yaowen/atom.xml`);
    expect(json.outline[2]['@xmlUrl']).toBe(`${siteUrl}/feeds/zonghe/feed.json`);
    for (const folder of folders()) for (const o of folder.outline) expect(o['@type']).toBe('rss');
  });

  it('uses only what the W3C feed validator accepts: no <docs> in the head, untyped folders with text alone', () => {
    const head = parseXml(opml).opml.head;
    expect(Object.keys(head).filter((k) => !k.startsWith('webfeeds:') && k !== '#text')).toEqual(['title']);
    for (const folder of folders()) {
      expect(Object.keys(folder).filter((k) => k.startsWith('@'))).toEqual(['@text']);
    }
  });

  it('is byte-identical for the same feeds and carries no dates', () => {
    expect(buildOpml(feeds, config)).toBe(opml);
    expect(opml).not.toMatch(/date(Created|Modified)/);
  });

  it('escapes hostile section names in attributes', () => {
    const hostile = buildOpml([sectionSpec(hostileText.attribute, config)], config);
    const outline = parseXml(hostile).opml.body.outline[0].outline[0];
    expect(outline['@text']).toBe(`衢州日报 · ${hostileText.attribute}`);
  });
});
