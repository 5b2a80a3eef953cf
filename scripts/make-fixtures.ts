import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Article, Issue, Page } from '../shared/model/issue.ts';
import { readPageText } from '../shared/readers/page-text-reader.ts';

/**
 * `npx tsx scripts/make-fixtures.ts`: writes the sample page as a JSON and an XML issue document
 * (`test/fixtures/quzhou-daily-2024-11-30-page01.{json,xml}`) from what the page-text reader makes
 * of the `.txt` sample, so the three fixtures carry the same content by construction. Tests check
 * that all three still read to the same model. Rerun after a deliberate page-text reader change.
 */

const escapeText = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttribute = (value: string) => escapeText(value).replace(/"/g, '&quot;');

const attributes = (values: Record<string, string | number | undefined>) =>
  Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeAttribute(String(v))}"`)
    .join('');

const element = (indent: string, name: string, value: string | undefined) =>
  value === undefined ? [] : [`${indent}<${name}>${escapeText(value)}</${name}>`];

const articleXml = (article: Article, indent: string): string[] => {
  const inner = `${indent}  `;
  return [
    `${indent}<article${attributes({ id: article.id, kind: article.kind })}>`,
    ...element(inner, 'kicker', article.kicker),
    ...element(inner, 'title', article.title),
    ...element(inner, 'subtitle', article.subtitle),
    ...element(inner, 'column', article.column),
    ...(article.byline.length === 0
      ? []
      : [
          `${inner}<byline>`,
          ...article.byline.map(
            (c) => `${inner}  <person${attributes({ role: c.role })}>${escapeText(c.name)}</person>`,
          ),
          `${inner}</byline>`,
        ]),
    ...element(inner, 'dateline', article.dateline),
    ...article.paragraphs.flatMap((p) => element(inner, 'p', p)),
    ...element(inner, 'caption', article.caption),
    ...(article.jump === undefined
      ? []
      : [
          article.jump.label === undefined
            ? `${inner}<jump${attributes({ page: article.jump.page })}/>`
            : `${inner}<jump${attributes({ page: article.jump.page })}>${escapeText(article.jump.label)}</jump>`,
        ]),
    ...(article.corrects === undefined
      ? []
      : [
          `${inner}<corrects${attributes({ date: article.corrects.date, page: article.corrects.page })}>${escapeText(article.corrects.title)}</corrects>`,
        ]),
    `${indent}</article>`,
  ];
};

const pageXml = (page: Page): string[] => [
  `  <page${attributes({ number: page.number, section: page.section, editor: page.editor })}>`,
  ...page.articles.flatMap((a) => articleXml(a, '    ')),
  '  </page>',
];

/** Serialise an issue in the XML upload format of docs/xml-format.md (text must be XML-safe). */
export const issueToXml = (issue: Issue): string =>
  [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<issue${attributes({
      date: issue.date,
      number: issue.number,
      pageCount: issue.pageCount,
      weekday: issue.weekday,
      lunarDate: issue.lunarDate,
    })}>`,
    `  <paper${attributes({ ...issue.paper })}/>`,
    ...issue.pages.flatMap(pageXml),
    '</issue>',
    '',
  ].join('\n');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const fixture = (ext: string) =>
    new URL(`../test/fixtures/quzhou-daily-2024-11-30-page01.${ext}`, import.meta.url);
  const issue = readPageText(readFileSync(fixture('txt'), 'utf8'));
  writeFileSync(fixture('json'), `${JSON.stringify(issue, null, 2)}\n`);
  writeFileSync(fixture('xml'), issueToXml(issue));
  console.log(`wrote ${fileURLToPath(fixture('json'))} and ${fileURLToPath(fixture('xml'))}`);
}
