import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { issueToXml } from '../../scripts/make-fixtures.ts';
import { InvalidUploadError } from '../../shared/errors.ts';
import type { Issue } from '../../shared/model/issue.ts';
import { readPageText } from '../../shared/readers/page-text-reader.ts';
import { readUpload, readUploadReport } from '../../shared/readers/read-upload.ts';

/** Uploads whose name, byte-order mark or structure says one thing and whose bytes another. */

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const sampleJson = fixture('quzhou-daily-2024-11-30-page01.json');
const sampleXml = fixture('quzhou-daily-2024-11-30-page01.xml');
const expected = readPageText(fixture('quzhou-daily-2024-11-30-page01.txt').toString('utf8'));
const utf8 = (text: string) => new TextEncoder().encode(text);

const failure = (bytes: Uint8Array, key: string) => {
  try {
    readUpload(bytes, key);
  } catch (error) {
    if (error instanceof InvalidUploadError) return error;
    throw error;
  }
  throw new Error(`readUpload accepted ${key}`);
};

const twoPages = (): Issue => {
  const page = expected.pages[0]!;
  return { ...expected, pages: [page, { ...page, section: '综合' }] };
};

describe('readUpload on a .txt key holding an issue document', () => {
  it('reads JSON and XML saved under a .txt name with their own readers, never as page text', () => {
    expect(readUpload(sampleJson, 'incoming/2024-11-30/01.txt')).toEqual(expected);
    expect(readUpload(sampleXml, 'incoming/2024-11-30/01.txt')).toEqual(expected);
    expect(readUpload(sampleXml, 'incoming/front.txt')).toEqual(expected);
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...sampleXml]);
    expect(readUpload(withBom, 'incoming/front.txt')).toEqual(expected);
  });

  it('rejects such a document when it does not carry the page the key names', () => {
    expect(failure(sampleJson, 'incoming/2024-11-30/03.txt')).toMatchObject({ code: 'contradicting-page' });
    expect(failure(sampleXml, 'incoming/2024-12-01/01.txt')).toMatchObject({ code: 'contradicting-date' });
  });

  it('rejects a broken document under a .txt name with the document reader’s typed error', () => {
    const broken = utf8(
      '<issue date="2024-11-30"><page number="1" section="要闻"><dateline>本报讯</dateline>',
    );
    expect(failure(broken, 'incoming/2024-11-30/01.txt')).toMatchObject({ code: 'malformed-xml' });
    expect(failure(utf8('{"date": "2024-11-30",'), 'incoming/2024-11-30/01.txt')).toMatchObject({
      code: 'malformed-json',
    });
  });

  it('still reads page text that opens with a bracketed column label as page text', () => {
    const text = '[简讯]\n我市开展冬季消防安全检查\n近日,市消防救援支队开展检查。';
    expect(readUpload(utf8(text), 'incoming/2024-11-30/03.txt').pages[0]!.articles[0]).toMatchObject({
      column: '简讯',
      title: '我市开展冬季消防安全检查',
    });
  });
});

describe('readUpload on a byte-order mark that contradicts the bytes', () => {
  const text = fixture('quzhou-daily-2024-11-30-page01.txt');

  it.each([
    ['FF FE', [0xff, 0xfe]],
    ['FE FF', [0xfe, 0xff]],
  ])('rejects a UTF-16 BOM (%s) in front of UTF-8 as undecodable', (_name, bom) => {
    const error = failure(new Uint8Array([...bom, ...text]), 'incoming/2024-11-30/01.txt');
    expect(error).toMatchObject({ code: 'undecodable', location: { offset: 0 } });
    expect(error.message).toContain('UTF-8');
  });
});

describe('readUpload on documents with two pages of one number', () => {
  it('rejects a JSON document with page 1 twice, naming the second', () => {
    const error = failure(utf8(JSON.stringify(twoPages())), 'incoming/2024-11-30/issue.json');
    expect(error).toMatchObject({ code: 'schema', location: { field: 'pages.1.number' } });
    expect(error.message).toContain('page 1 appears twice');
  });

  it('rejects an XML document with page 1 twice, naming the line of the second', () => {
    const error = failure(utf8(issueToXml(twoPages())), 'incoming/issue.xml');
    expect(error).toMatchObject({ code: 'schema', location: { field: 'pages.1.number' } });
    expect(error.location?.line).toBeGreaterThan(3);
  });
});

describe('readUpload on XML processing instructions outside the root', () => {
  it('ignores them before and after the root element', () => {
    const xml = sampleXml.toString('utf8');
    const styled = xml.replace(
      /(<\?xml[^>]*\?>)/,
      '$1\n<?xml-stylesheet type="text/xsl" href="issue.xsl"?>\n<?export tool="epaper"?>',
    );
    expect(styled).toContain('xml-stylesheet');
    expect(readUpload(utf8(`${styled}\n<?done?>\n`), 'incoming/issue.xml')).toEqual(expected);
  });
});

describe('readUploadReport', () => {
  it('returns the lines a page-text upload could not place, and none for documents', () => {
    const text = fixture('quzhou-daily-2024-11-30-page01.txt');
    expect(readUploadReport(text, 'incoming/2024-11-30/01.txt').unplaced).toEqual([
      { line: 115, text: '工业强市 产业兴市' },
    ]);
    expect(readUploadReport(sampleJson, 'incoming/2024-11-30/issue.json').unplaced).toEqual([]);
  });

  it('reads a correction notice’s target back from XML', () => {
    const page = readPageText(fixture('quzhou-daily-2024-11-30-page03-fukan.txt').toString('utf8'), {
      date: '2024-11-30',
      page: 3,
    });
    expect(readUpload(utf8(issueToXml(page)), 'incoming/2024-11-30/03.xml')).toEqual(page);
  });
});
