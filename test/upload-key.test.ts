import { describe, expect, it } from 'vitest';
import { InvalidUploadError } from '../shared/errors.ts';
import { decodeS3Key, parseUploadKey } from '../shared/upload-key.ts';

const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidUploadError) return error.code;
    throw error;
  }
  return 'accepted';
};

describe('parseUploadKey', () => {
  it('reads date and page from a dated page-text key', () => {
    expect(parseUploadKey('incoming/2024-11-30/01.txt')).toEqual({
      kind: 'page-text',
      date: '2024-11-30',
      page: 1,
    });
    expect(parseUploadKey('incoming/2024-11-30/4.TXT')).toEqual({
      kind: 'page-text',
      date: '2024-11-30',
      page: 4,
    });
  });

  it('reads the section name (版名) after the page number', () => {
    expect(parseUploadKey('incoming/2024-11-30/02-综合.txt')).toEqual({
      kind: 'page-text',
      date: '2024-11-30',
      page: 2,
      section: '综合',
    });
    expect(parseUploadKey('incoming/2024-11-30/03-文化 旅游.txt')).toMatchObject({
      page: 3,
      section: '文化 旅游',
    });
  });

  it('reads full-width page numbers and hyphens in page-text names, as in picture names', () => {
    expect(parseUploadKey('incoming/2024-11-30/０２－综合.txt')).toEqual({
      kind: 'page-text',
      date: '2024-11-30',
      page: 2,
      section: '综合',
    });
    expect(parseUploadKey('incoming/2024-11-30/０４.TXT')).toMatchObject({ page: 4 });
    expect(parseUploadKey('incoming/2024-11-30/03 - 文化.txt')).toMatchObject({ page: 3, section: '文化' });
  });

  it('accepts page text under any .txt name and then gives no hints', () => {
    expect(parseUploadKey('incoming/000_3b0daec07d260e75.txt')).toEqual({ kind: 'page-text' });
    expect(parseUploadKey('incoming/batch/7/front.txt')).toEqual({ kind: 'page-text' });
  });

  it('keeps the folder date for an unnumbered file in a dated folder', () => {
    expect(parseUploadKey('incoming/2024-11-30/front page.txt')).toEqual({
      kind: 'page-text',
      date: '2024-11-30',
    });
  });

  it('accepts JSON and XML documents anywhere under incoming/, with the folder date when dated', () => {
    expect(parseUploadKey('incoming/issue.json')).toEqual({ kind: 'json' });
    expect(parseUploadKey('incoming/a/b/issue.XML')).toEqual({ kind: 'xml' });
    expect(parseUploadKey('incoming/2024-11-30/issue.json')).toEqual({ kind: 'json', date: '2024-11-30' });
  });

  it('recognises photos and page facsimiles (shared/media/media-key.ts)', () => {
    expect(parseUploadKey('incoming/2024-11-30/01-古城韵味-2.JPG')).toEqual({
      kind: 'media',
      media: { kind: 'photo', date: '2024-11-30', page: 1, label: '古城韵味', sequence: 2 },
    });
    expect(parseUploadKey('incoming/2024-11-30/01.pdf')).toEqual({
      kind: 'media',
      media: { kind: 'facsimile', date: '2024-11-30', page: 1, format: 'pdf' },
    });
    expect(parseUploadKey('incoming/2024-11-30/04.png')).toEqual({
      kind: 'media',
      media: { kind: 'facsimile', date: '2024-11-30', page: 4, format: 'image' },
    });
  });

  it.each([
    'outgoing/2024-11-30/01.txt',
    'incoming',
    'incoming/',
    'incoming/2024-11-30/01-版面.pdf',
    'incoming/photo.jpg',
    'incoming/2024-11-30/sub/01-古城韵味.jpg',
    'incoming/2024-11-30/01.gif',
    'incoming/2024-11-30/01',
    'Incoming/01.txt',
    'incoming/../site/index.txt',
    'incoming/a//b.json',
    'incoming/2024-02-30/01.txt',
    'incoming/2024-11-30/00.txt',
    'incoming/2024-11-30/01-.txt',
  ])('rejects %s as an unsupported key', (key) => {
    expect(codeOf(() => parseUploadKey(key))).toBe('unsupported-key');
  });
});

describe('decodeS3Key', () => {
  it('decodes form-urlencoded keys as S3 events carry them', () => {
    expect(decodeS3Key('incoming/2024-11-30/02-%E7%BB%BC%E5%90%88.txt')).toBe(
      'incoming/2024-11-30/02-综合.txt',
    );
    expect(decodeS3Key('incoming/front+page%2B1.txt')).toBe('incoming/front page+1.txt');
  });

  it('rejects malformed percent-encoding with a typed error', () => {
    expect(codeOf(() => decodeS3Key('incoming/%E7%BB.txt'))).toBe('unsupported-key');
    expect(codeOf(() => decodeS3Key('incoming/100%.txt'))).toBe('unsupported-key');
  });
});
