import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidUploadError } from '../../shared/errors.ts';
import { IssueSchema } from '../../shared/model/issue.ts';
import { maxJsonDepth, readIssueJson } from '../../shared/readers/json-reader.ts';
import { readPageText } from '../../shared/readers/page-text-reader.ts';
import { smallIssue } from './small-issue.ts';

const issue = smallIssue;

const failure = (text: string) => {
  try {
    readIssueJson(text);
  } catch (error) {
    if (error instanceof InvalidUploadError) return error;
    throw error;
  }
  throw new Error('readIssueJson accepted the text');
};

describe('readIssueJson', () => {
  it('reads the sample page document to the same model as the page-text reader makes of the .txt', () => {
    const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
    const fromText = readPageText(fixture('quzhou-daily-2024-11-30-page01.txt'));
    expect(readIssueJson(fixture('quzhou-daily-2024-11-30-page01.json'))).toEqual(fromText);
  });

  it('reads an issue document into the model', () => {
    expect(readIssueJson(JSON.stringify(issue, null, 2))).toEqual(issue);
  });

  it('accepts a leading BOM', () => {
    expect(readIssueJson(`\uFEFF${JSON.stringify(issue)}`)).toEqual(issue);
  });

  it('reports malformed JSON with line and column', () => {
    const error = failure('{\n  "paper": {"name": "衢州日报"},\n  "date": 2024-11-30\n}');
    expect(error.code).toBe('malformed-json');
    expect(error.location).toMatchObject({ line: 3, column: 15 });
    expect(error.message).toContain('line 3, column 15');
  });

  it.each([
    ['{"a":}', 1, 6],
    ['{"a":1', 1, 7],
    ['[1,2,]', 1, 6],
    ['{"a":1} x', 1, 9],
    ['{\n"a": "unterminated', 2, 19],
    ['{"a": "tab\there"}', 1, 11],
  ])('locates the syntax error in %j', (text, line, column) => {
    const error = failure(text);
    expect(error.code).toBe('malformed-json');
    expect(error.location).toMatchObject({ line, column });
  });

  it('names the offending field of a schema violation', () => {
    const bad = structuredClone(issue) as unknown as {
      pages: Array<{ articles: Array<Record<string, unknown>> }>;
    };
    bad.pages[0]!.articles[1]!.title = '';
    const error = failure(JSON.stringify(bad));
    expect(error.code).toBe('schema');
    expect(error.location?.field).toBe('pages.0.articles.1.title');
    expect(error.message).toMatch(/^line 1, column \d+: pages\.0\.articles\.1\.title: /);
  });

  it('names the line and column of the offending value, or of the object that lacks it', () => {
    const bad = structuredClone(issue) as unknown as {
      pages: Array<{ articles: Array<Record<string, unknown>> }>;
    };
    bad.pages[0]!.articles[1]!.title = '';
    const text = JSON.stringify(bad, null, 2);
    const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const error = failure(text);
    expect(error.location).toMatchObject({
      field: 'pages.0.articles.1.title',
      line: lineOf('"title": ""'),
      column: 20,
    });
    expect(error.message).toContain(`line ${lineOf('"title": ""')}, column 20: pages.0.articles.1.title: `);

    delete bad.pages[0]!.articles[1]!.title;
    const missing = JSON.stringify(bad, null, 2);
    // No title to point at: the article's opening brace, on the line after the first article.
    const teaser = missing.split('\n').findIndex((l) => l.includes('"id": "p1-11111111"'));
    expect(failure(missing).location).toMatchObject({
      field: 'pages.0.articles.1.title',
      line: teaser,
      column: 9,
    });
  });

  it.each([
    ['an impossible date', { ...issue, date: '2024-02-30' }, 'date'],
    ['a number given as a string', { ...issue, number: '13355' }, 'number'],
    ['an unknown top-level field', { ...issue, extra: true }, '(document)'],
    ['no pages', { ...issue, pages: [] }, 'pages'],
    ['a document that is not an object', [issue], '(document)'],
  ])('rejects %s as a schema violation', (_name, value, field) => {
    const error = failure(JSON.stringify(value));
    expect(error.code).toBe('schema');
    expect(error.location?.field).toBe(field);
  });

  it('rejects a __proto__ key instead of letting it through', () => {
    const text = JSON.stringify(issue).replace('"paper":', '"__proto__":{"polluted":1},"paper":');
    expect(failure(text).code).toBe('schema');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects absurd nesting before parsing', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const error = failure(deep);
    expect(error.code).toBe('too-deep');
    expect(error.location?.offset).toBe(maxJsonDepth);
    // Brackets inside strings are text, not nesting.
    const text = JSON.stringify({ ...issue, lunarDate: '{['.repeat(25) });
    expect(readIssueJson(text).lunarDate).toBe('{['.repeat(25));
  });

  it('rejects an empty document', () => {
    expect(failure('  \n').code).toBe('empty');
  });

  it('yields a valid Issue or an InvalidUploadError for arbitrary JSON', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify({ ...issue, pages: v })),
        ),
        (text) => {
          let outcome: unknown;
          try {
            outcome = readIssueJson(text);
          } catch (error) {
            outcome = error;
          }
          if (outcome instanceof InvalidUploadError) return;
          expect(IssueSchema.safeParse(outcome).success).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('yields a valid Issue or an InvalidUploadError for arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        let outcome: unknown;
        try {
          outcome = readIssueJson(text);
        } catch (error) {
          outcome = error;
        }
        expect(outcome).toBeInstanceOf(InvalidUploadError);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('photos named in a JSON document', () => {
  const withPhotos = (photos: unknown) => {
    const doc = structuredClone(issue) as unknown as {
      pages: Array<{ articles: Array<Record<string, unknown>> }>;
    };
    doc.pages[0]!.articles[0]!.photos = photos;
    return JSON.stringify(doc);
  };

  it('reads photos with file, caption and credit', () => {
    const photos = [
      { file: '01-古城韵味.jpg', caption: '古城韵味 大美衢州', credit: '记者 刘芸 摄' },
      { file: 'b.webp' },
    ];
    expect(readIssueJson(withPhotos(photos)).pages[0]!.articles[0]!.photos).toEqual(photos);
  });

  it('rejects a photo file that is a path or not a picture', () => {
    for (const file of ['../a.jpg', 'a/b.jpg', '01.pdf', '']) {
      const error = failure(withPhotos([{ file }]));
      expect(error.location?.field, file).toBe('pages.0.articles.0.photos.0.file');
    }
  });
});
