import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it, vi } from 'vitest';
import { issueToXml } from '../../scripts/make-fixtures.ts';
import { InvalidUploadError } from '../../shared/errors.ts';
import { IssueSchema } from '../../shared/model/issue.ts';
import { readPageText } from '../../shared/readers/page-text-reader.ts';
import { readUpload } from '../../shared/readers/read-upload.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const sampleBytes = fixture('quzhou-daily-2024-11-30-page01.txt');
const sampleText = sampleBytes.toString('utf8');
const sampleJson = fixture('quzhou-daily-2024-11-30-page01.json');
const sampleXml = fixture('quzhou-daily-2024-11-30-page01.xml');
const expected = readPageText(sampleText);
const utf8 = (text: string) => new TextEncoder().encode(text);

const failure = (bytes: Uint8Array, key: string, options?: { maxBytes?: number }) => {
  try {
    readUpload(bytes, key, options);
  } catch (error) {
    if (error instanceof InvalidUploadError) return error;
    throw error;
  }
  throw new Error(`readUpload accepted ${key}`);
};

describe('readUpload', () => {
  it('reads the sample front page under its original name, without hints', () => {
    const issue = readUpload(sampleBytes, 'incoming/000_3b0daec07d260e75.txt');
    expect(issue).toEqual(expected);
    expect(issue.date).toBe('2024-11-30');
    expect(issue.pages[0]?.number).toBe(1);
  });

  it('reads the sample under a dated page key that agrees with it', () => {
    expect(readUpload(sampleBytes, 'incoming/2024-11-30/01.txt')).toEqual(expected);
  });

  it('reads the sample page as JSON and as XML to the same model as the page text', () => {
    expect(readUpload(sampleJson, 'incoming/2024-11-30/issue.json')).toEqual(expected);
    expect(readUpload(sampleXml, 'incoming/issue.xml')).toEqual(expected);
  });

  it('reads GB18030, UTF-16 and BOM-prefixed UTF-8 bytes of the sample to the same model', () => {
    const key = 'incoming/2024-11-30/01.txt';
    expect(readUpload(iconv.encode(sampleText, 'gb18030'), key)).toEqual(expected);
    expect(readUpload(iconv.encode(sampleText, 'gbk'), key)).toEqual(expected);
    expect(readUpload(iconv.encode(sampleText, 'utf-16le', { addBOM: true }), key)).toEqual(expected);
    expect(readUpload(iconv.encode(sampleText, 'utf-16be', { addBOM: true }), key)).toEqual(expected);
    expect(readUpload(new Uint8Array([0xef, 0xbb, 0xbf, ...sampleBytes]), key)).toEqual(expected);
    // XML declared GBK is decoded from its bytes, not from the declaration.
    const gbXml = sampleXml.toString('utf8').replace('encoding="UTF-8"', 'encoding="GBK"');
    expect(readUpload(iconv.encode(gbXml, 'gbk'), 'incoming/issue.xml')).toEqual(expected);
  });

  it('rejects a key whose date contradicts the masthead', () => {
    expect(failure(sampleBytes, 'incoming/2024-12-01/01.txt').code).toBe('contradicting-date');
  });

  it('rejects a key whose page number contradicts the page header', () => {
    const inside = utf8(
      '2024年11月30日 星期六\n第2版 综合\n\n柯城赋能创新发展\n\n本报讯(记者 郑晨)近日,柯城区研发经费投入实现双提升。\n\n责任编辑:林俊\n',
    );
    expect(readUpload(inside, 'incoming/2024-11-30/02-综合.txt').pages[0]).toMatchObject({
      number: 2,
      section: '综合',
    });
    expect(failure(inside, 'incoming/2024-11-30/03.txt').code).toBe('contradicting-page');
  });

  it('rejects a JSON or XML document filed under another date', () => {
    const json = failure(sampleJson, 'incoming/2024-12-01/issue.json');
    expect(json.code).toBe('contradicting-date');
    expect(json.location?.field).toBe('date');
    expect(failure(sampleXml, 'incoming/2024-12-01/issue.xml').code).toBe('contradicting-date');
  });

  it('rejects page text with no date anywhere', () => {
    const undated = utf8('某某新闻标题\n\n本报讯(记者 徐颖之)昨日,会议召开。\n');
    expect(failure(undated, 'incoming/notes.txt').code).toBe('no-date');
  });

  it.each([
    ['an empty file', new Uint8Array(), 'incoming/2024-11-30/01.txt', 'empty'],
    [
      'binary data',
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]),
      'incoming/2024-11-30/01.txt',
      'binary',
    ],
    [
      'undecodable bytes',
      new Uint8Array([0xe8, 0xa1, 0xa2, 0xff, 0xff]),
      'incoming/2024-11-30/01.txt',
      'undecodable',
    ],
    ['an unsupported key', utf8('text'), 'incoming/2024-11-30/01.docx', 'unsupported-key'],
    ['a key outside incoming/', utf8('text'), 'site/01.txt', 'unsupported-key'],
    ['malformed JSON', utf8('{"date": '), 'incoming/a.json', 'malformed-json'],
    ['a schema violation', utf8('{"date": "2024-11-30"}'), 'incoming/a.json', 'schema'],
    ['nested JSON', utf8('['.repeat(1000)), 'incoming/a.json', 'too-deep'],
    ['nested XML', utf8(`${'<a>'.repeat(1000)}${'</a>'.repeat(1000)}`), 'incoming/a.xml', 'too-deep'],
    ['malformed XML', utf8('<a><b></a>'), 'incoming/a.xml', 'malformed-xml'],
    ['a DOCTYPE', utf8('<!DOCTYPE issue [<!ENTITY a "b">]><issue/>'), 'incoming/a.xml', 'doctype'],
  ])('rejects %s', (_name, bytes, key, code) => {
    expect(failure(bytes, key).code).toBe(code);
  });

  it.each([
    ['billion-laughs.xml', 'doctype'],
    ['mismatched-tags.xml', 'malformed-xml'],
    ['two-roots.xml', 'malformed-xml'],
    ['control-character.xml', 'malformed-xml'],
    ['schema-violation.json', 'schema'],
    ['binary.txt', 'binary'],
    ['undecodable.txt', 'undecodable'],
    ['empty.txt', 'empty'],
  ])('rejects the bad fixture %s as %s', (name, code) => {
    const error = failure(fixture(`bad/${name}`), `incoming/${name}`);
    expect(error.code).toBe(code);
    if (code === 'schema') expect(error.location?.field).toBe('pages.0.articles.2.title');
    if (code === 'malformed-xml') expect(error.location?.line).toBeGreaterThan(0);
  });

  it('wraps an unexpected reader failure in an InvalidUploadError that keeps the cause', async () => {
    const boom = new TypeError('reader bug');
    vi.resetModules();
    vi.doMock('../../shared/readers/page-text-reader.ts', () => ({
      readPageTextReport: () => {
        throw boom;
      },
    }));
    try {
      // Fresh module instances, so the error class is the one the mocked graph uses.
      const { readUpload: isolated } = await import('../../shared/readers/read-upload.ts');
      const { InvalidUploadError: IsolatedError } = await import('../../shared/errors.ts');
      let caught: unknown;
      try {
        isolated(sampleBytes, 'incoming/2024-11-30/01.txt');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(IsolatedError);
      expect((caught as InvalidUploadError).code).toBe('unreadable');
      expect((caught as InvalidUploadError).cause).toBe(boom);
      expect((caught as InvalidUploadError).message).toContain('reader bug');
    } finally {
      vi.doUnmock('../../shared/readers/page-text-reader.ts');
      vi.resetModules();
    }
  });

  it('rejects uploads above the configured limit', () => {
    expect(failure(sampleBytes, 'incoming/2024-11-30/01.txt', { maxBytes: 1024 }).code).toBe('too-large');
    expect(readUpload(sampleBytes, 'incoming/2024-11-30/01.txt', { maxBytes: sampleBytes.length })).toEqual(
      expected,
    );
  });

  it.each(['incoming/2024-11-30/01.txt', 'incoming/x.json', 'incoming/x.xml'])(
    'yields a valid Issue or an InvalidUploadError for arbitrary bytes under %s',
    (key) => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.uint8Array({ maxLength: 400 }),
            fc.string({ unit: 'grapheme', maxLength: 200 }).map(utf8),
            // Mutations of the real sample reach deeper into the readers than random bytes do.
            fc
              .tuple(fc.nat(sampleBytes.length), fc.nat(400), fc.uint8Array({ maxLength: 8 }))
              .map(
                ([at, cut, insert]) =>
                  new Uint8Array([
                    ...sampleBytes.subarray(0, at),
                    ...insert,
                    ...sampleBytes.subarray(at + cut),
                  ]),
              ),
          ),
          (bytes) => {
            let outcome: unknown;
            try {
              outcome = readUpload(bytes, key);
            } catch (error) {
              outcome = error;
            }
            if (outcome instanceof InvalidUploadError) return;
            expect(IssueSchema.safeParse(outcome).success).toBe(true);
          },
        ),
        { numRuns: 300 },
      );
    },
  );

  it('reads back any issue written as XML', () => {
    const line = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
      .map((s) => s.replace(/[^\u0021-\uD7FF\uE000-\uFFFD]/gu, '').trim())
      .filter((s) => s !== '');
    const article = fc.record({
      kind: fc.constantFrom('news' as const, 'photo' as const, 'brief' as const, 'teaser' as const),
      title: line,
      kicker: fc.option(line, { nil: undefined }),
      byline: fc.array(
        fc.record({ name: line, role: fc.constantFrom('reporter' as const, 'photographer' as const) }),
        {
          maxLength: 3,
        },
      ),
      paragraphs: fc.array(line, { maxLength: 4 }),
      jump: fc.option(fc.record({ page: fc.integer({ min: 1, max: 8 }), label: line }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(article, { minLength: 1, maxLength: 4 }), line, (articles, section) => {
        const issue = IssueSchema.parse({
          paper: { name: '衢州日报' },
          date: '2024-11-30',
          pages: [
            {
              number: 3,
              section,
              articles: articles.map((a, i) =>
                Object.fromEntries(
                  Object.entries({ id: `p3-${i}`, ...a }).filter(([, v]) => v !== undefined),
                ),
              ),
            },
          ],
        });
        expect(readUpload(utf8(issueToXml(issue)), 'incoming/2024-11-30/x.xml')).toEqual(issue);
      }),
      { numRuns: 200 },
    );
  });
});
