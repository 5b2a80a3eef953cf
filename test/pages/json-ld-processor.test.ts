import jsonld from 'jsonld';
import { describe, expect, it } from 'vitest';
import { renderArticlePage } from '../../shared/pages/render-article-page.ts';
import { renderIssuePage } from '../../shared/pages/render-issue-page.ts';
import { fixtureIssue, recordOf, testConfig } from '../serve/serve-fixtures.ts';
import { jsonLdBlocks } from './page-validation.ts';

/**
 * The pages' JSON-LD as a JSON-LD processor reads it: expanded by `jsonld` against schema.org's
 * vocabulary, so a property only counts when it really lands on schema.org's IRI and on the right
 * node. Offline: the loader answers the schema.org context URL with a local `@vocab` context.
 */

const schema = 'https://schema.org/';
const documentLoader = async (url: string) => {
  if (!/^https?:\/\/schema\.org\/?$/.test(url)) throw new Error(`no network in tests: ${url}`);
  return { contextUrl: undefined, documentUrl: url, document: { '@context': { '@vocab': schema } } };
};

type Node = Record<string, Array<Record<string, unknown>> | string[] | string>;
const expand = async (block: unknown): Promise<Node> => {
  const [node] = (await jsonld.expand(block as jsonld.JsonLdDocument, {
    documentLoader: documentLoader as never,
  })) as unknown as Node[];
  return node!;
};
/** The values of a schema.org property on an expanded node. */
const values = (node: Node, property: string) =>
  ((node[`${schema}${property}`] ?? []) as Array<Record<string, unknown>>).map((v) => v['@value']);
const nodes = (node: Node, property: string) => (node[`${schema}${property}`] ?? []) as unknown as Node[];

const issue = fixtureIssue();
const article = issue.pages[0]!.articles[0]!;

describe('JSON-LD through a processor', () => {
  it('gives a NewsArticle its print edition, page, section, column and dateline', async () => {
    const record = recordOf(issue, { ...article, dateline: '本报讯', column: '要闻速递' });
    const [block] = jsonLdBlocks(renderArticlePage(record, testConfig));
    const node = await expand(block);
    expect(node['@type']).toEqual([`${schema}NewsArticle`]);
    expect(values(node, 'printEdition')).toEqual([`总第${issue.number}期`]);
    expect(values(node, 'printPage')).toEqual(['第1版']);
    expect(values(node, 'printSection')).toEqual([issue.pages[0]!.section]);
    expect(values(node, 'printColumn')).toEqual(['要闻速递']);
    expect(values(node, 'dateline')).toEqual(['本报讯']);
  });

  it('leaves dateline out when the text has none', async () => {
    const { dateline: _, ...plain } = article;
    const [block] = jsonLdBlocks(renderArticlePage(recordOf(issue, plain), testConfig));
    expect(values(await expand(block), 'dateline')).toEqual([]);
  });

  it('makes the article part of the PublicationIssue of its date, with its issue number', async () => {
    const [block] = jsonLdBlocks(renderArticlePage(recordOf(issue, article), testConfig));
    const [part] = nodes(await expand(block), 'isPartOf');
    expect(part?.['@type']).toEqual([`${schema}PublicationIssue`]);
    expect(part?.['@id']).toBe(`${testConfig.siteUrl}/articles/${issue.date}/`);
    expect(values(part!, 'issueNumber')).toEqual([issue.number]);
    expect(nodes(part!, 'isPartOf')[0]?.['@type']).toEqual([`${schema}Periodical`]);
  });

  it('puts the PublicationIssue itself on the contents page, naming the same node and its articles', async () => {
    const [block] = jsonLdBlocks(renderIssuePage(issue, testConfig));
    const node = await expand(block);
    expect(node['@type']).toEqual([`${schema}PublicationIssue`]);
    expect(node['@id']).toBe(`${testConfig.siteUrl}/articles/${issue.date}/`);
    expect(values(node, 'issueNumber')).toEqual([issue.number]);
    const live = issue.pages.flatMap((p) => p.articles.filter((a) => a.status !== 'retracted'));
    const parts = nodes(node, 'hasPart');
    expect(parts.map((p) => p['@id'])).toEqual(
      live.map((a) => `${testConfig.siteUrl}/articles/${issue.date}/${a.id}`),
    );
    expect(parts.every((p) => (p['@type'] as string[])[0] === `${schema}NewsArticle`)).toBe(true);
  });
});
