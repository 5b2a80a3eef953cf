import jsonld from 'jsonld';
import { describe, expect, it } from 'vitest';
import type { PublishedArticle, PublishedIssue } from '../../shared/model/published.ts';
import { renderArticlePage } from '../../shared/pages/render-article-page.ts';
import { renderIssuePage } from '../../shared/pages/render-issue-page.ts';
import { fixtureIssue, recordOf, testConfig } from '../serve/serve-fixtures.ts';
import { frontPagePhoto, makeFacsimile, makePhoto } from '../support/photo-fixtures.ts';
import { hostileText } from '../support/published-fixtures.ts';
import { htmlProblems, jsonLdBlocks } from './page-validation.ts';

const issue = fixtureIssue();
const site = testConfig.siteUrl;
const url = (key: string) => `${site}/${key}`;
const lead = frontPagePhoto();
const second = makePhoto('第二张', {
  caption: hostileText.attribute,
  credit: { printed: '通讯员 王波 摄', photographers: ['王波'] },
  withWebp: false,
});
const withPhotos = (overrides: Partial<PublishedArticle> = {}) =>
  recordOf(issue, { ...issue.pages[0]!.articles[0]!, photos: [lead, second], ...overrides });

describe('an article page with photos', () => {
  const page = renderArticlePage(withPhotos(), testConfig);

  it('stays valid HTML5', async () => {
    expect(await htmlProblems(page)).toEqual([]);
  });

  it('offers WebP in a <picture> and the JPEGs with srcset, sizes, width and height', () => {
    const picture = page.slice(page.indexOf('<picture>'), page.indexOf('</picture>'));
    expect(picture).toContain(
      `<source type="image/webp" srcset="${url(lead.webp!.thumbnail.key)} 400w, ${url(lead.webp!.large.key)} 1200w" sizes="`,
    );
    expect(picture).toContain(
      `<img src="${url(lead.large.key)}" srcset="${url(lead.thumbnail.key)} 400w, ${url(lead.large.key)} 1200w" sizes="`,
    );
    expect(picture).toMatch(/ width="1200" height="900" alt="古城韵味 大美衢州" decoding="async">/);
  });

  it('loads the first picture at once and the later ones lazily', () => {
    const images = [...page.matchAll(/<img [^>]*>/g)].map((m) => m[0]);
    expect(images).toHaveLength(2);
    expect(images[0]).not.toContain('loading=');
    expect(images[1]).toContain('loading="lazy"');
    // No WebP rendition: the second picture has no <source>.
    expect(page.split('<source ').length - 1).toBe(1);
  });

  it('credits each photo in its figcaption, escaping the caption', () => {
    expect(page).toContain('<figcaption>古城韵味 大美衢州 · 记者 刘芸 摄</figcaption>');
    expect(page).toContain(
      '<figcaption>&quot;quoted&quot; &lt;tag&gt; &#39;single&#39; · 通讯员 王波 摄</figcaption>',
    );
    expect(page).not.toContain('<tag>');
  });

  it('names the first photo in OpenGraph with its size and type', () => {
    expect(page).toContain(`<meta property="og:image" content="${url(lead.large.key)}">`);
    expect(page).toContain('<meta property="og:image:type" content="image/jpeg">');
    expect(page).toContain('<meta property="og:image:width" content="1200">');
    expect(page).toContain('<meta property="og:image:height" content="900">');
    expect(page.split('property="og:image"').length - 1).toBe(1);
  });

  it('shows a photo article caption once, in the figure', () => {
    const photoArticle = renderArticlePage(
      withPhotos({ kind: 'photo', caption: '古城韵味 大美衢州', photos: [lead] }),
      testConfig,
    );
    expect(photoArticle).not.toContain('<p class="caption">');
    expect(photoArticle).toContain('<figcaption>古城韵味 大美衢州 · 记者 刘芸 摄</figcaption>');
  });

  it('leaves pages without photos without pictures or og:image', () => {
    const plain = renderArticlePage(recordOf(issue, issue.pages[0]!.articles[0]!), testConfig);
    expect(plain).not.toMatch(/<figure|<img|og:image/);
  });
});

describe('JSON-LD image of an article with photos', () => {
  const schema = 'https://schema.org/';
  const documentLoader = async (u: string) => {
    if (!/^https?:\/\/schema\.org\/?$/.test(u)) throw new Error(`no network in tests: ${u}`);
    return { contextUrl: undefined, documentUrl: u, document: { '@context': { '@vocab': schema } } };
  };
  type Node = Record<string, Array<Record<string, unknown>>>;
  const values = (node: Node, property: string) =>
    (node[`${schema}${property}`] ?? []).map((v) => v['@value']);

  it('gives every photo as an ImageObject with caption, credit and creator', async () => {
    const [block] = jsonLdBlocks(renderArticlePage(withPhotos(), testConfig));
    const [node] = (await jsonld.expand(block as jsonld.JsonLdDocument, {
      documentLoader: documentLoader as never,
    })) as unknown as Node[];
    const images = node![`${schema}image`] as unknown as Node[];
    expect(images.map((i) => i['@type'])).toEqual([[`${schema}ImageObject`], [`${schema}ImageObject`]]);
    const first = images[0]!;
    expect((first[`${schema}contentUrl`] ?? []).map((v) => v['@id'] ?? v['@value'])).toEqual([
      url(lead.large.key),
    ]);
    expect(values(first, 'width')).toEqual([1200]);
    expect(values(first, 'height')).toEqual([900]);
    expect(values(first, 'caption')).toEqual(['古城韵味 大美衢州']);
    expect(values(first, 'creditText')).toEqual(['记者 刘芸 摄']);
    const creators = first[`${schema}creator`] as unknown as Node[];
    expect(creators.map((c) => [c['@type'], values(c, 'name')])).toEqual([[[`${schema}Person`], ['刘芸']]]);
    expect(node![`${schema}about`]).toBeUndefined();
  });
});

describe('the contents page with facsimiles', () => {
  const withFacsimiles = (): PublishedIssue => {
    const copy = structuredClone(issue);
    copy.pages[0]!.facsimile = makeFacsimile(1, 'image');
    copy.pages[1]!.facsimile = makeFacsimile(2, 'pdf');
    return copy;
  };
  const page = renderIssuePage(withFacsimiles(), testConfig);

  it('stays valid HTML5', async () => {
    expect(await htmlProblems(page)).toEqual([]);
  });

  it('shows a page image as a thumbnail linking the full page image', () => {
    const facsimile = makeFacsimile(1, 'image');
    expect(page).toContain(
      `<a href="${url(facsimile.document.key)}" type="image/jpeg"><img src="${url(facsimile.thumbnail!.key)}" width="278" height="400" alt="第1版 ${issue.pages[0]!.section} 版面" decoding="async"></a>`,
    );
    expect(page).toContain('版面大图（793 KB）');
  });

  it('links a PDF facsimile without a thumbnail as a plain link with its size', () => {
    const facsimile = makeFacsimile(2, 'pdf');
    expect(page).toContain(
      `<p class="facsimile meta"><a href="${url(facsimile.document.key)}" type="application/pdf">第2版版面 PDF（2.2 MB）</a></p>`,
    );
  });

  it('turns pages with 上一版 and 下一版', () => {
    const [one, two] = issue.pages;
    expect(page).toContain(
      `<a href="#page-${two!.number}" rel="next">下一版（第${two!.number}版 ${two!.section}）</a>`,
    );
    expect(page).toContain(
      `<a href="#page-${one!.number}" rel="prev">上一版（第${one!.number}版 ${one!.section}）</a>`,
    );
    const sections = page.split('<section id="page-').slice(1);
    expect(sections[0]).not.toContain('上一版');
    expect(sections.at(-1)).not.toContain('下一版');
  });

  it('shows no facsimile block for a page without one', () => {
    expect(renderIssuePage(issue, testConfig)).not.toMatch(/class="facsimile/);
  });
});
