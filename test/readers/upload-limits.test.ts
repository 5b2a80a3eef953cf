import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsonUpload, syntheticIssue } from '../../bench/synthetic-issues.ts';
import { InvalidUploadError } from '../../shared/errors.ts';
import { readUpload } from '../../shared/readers/read-upload.ts';
import { uploadLimits } from '../../shared/readers/upload-limits.ts';

const rejection = (bytes: Uint8Array, key: string) => {
  try {
    readUpload(bytes, key);
  } catch (error) {
    if (error instanceof InvalidUploadError) return error;
    throw error;
  }
  throw new Error('accepted');
};

describe('work limits of an upload', () => {
  it('refuses more articles than the cap in one JSON upload, naming where the cap was passed', () => {
    const issue = syntheticIssue('2024-11-30', {
      pages: 3,
      articlesPerPage: 400,
      paragraphsPerArticle: 1,
      charsPerParagraph: 10,
    });
    const upload = jsonUpload(issue);
    const error = rejection(upload.bytes, upload.key);
    expect(error.code).toBe('over-limit');
    expect(error.location).toEqual({ field: 'pages.2.articles' });
    expect(uploadLimits.articlesPerUpload).toBeLessThan(1_200);
  });

  it('refuses more characters in one upload than the cap, though each article is within its own', () => {
    const issue = syntheticIssue('2024-11-30', {
      pages: 10,
      articlesPerPage: 90,
      paragraphsPerArticle: 4,
      charsPerParagraph: 780,
    });
    const upload = jsonUpload(issue);
    const error = rejection(upload.bytes, upload.key);
    expect(error.code).toBe('over-limit');
    expect(error.message).toContain(`${uploadLimits.charsPerUpload} characters in one upload`);
  });

  it('refuses an article longer than the cap', () => {
    const issue = syntheticIssue('2024-11-30', {
      pages: 1,
      articlesPerPage: 2,
      paragraphsPerArticle: 3,
      charsPerParagraph: 45_000,
    });
    const upload = jsonUpload(issue);
    const error = rejection(upload.bytes, upload.key);
    expect(error.code).toBe('over-limit');
    expect(error.location?.field).toMatch(/^pages\.0\.articles\.\d$/);
  });

  it('refuses an XML document with too many attributes before parsing it', () => {
    const attributes = Array.from({ length: uploadLimits.xmlAttributes + 1 }, (_, i) => `a${i}="x"`).join(
      ' ',
    );
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<issue date="2024-11-30" ${attributes}/>`;
    const error = rejection(new TextEncoder().encode(xml), 'incoming/2024-11-30/issue.xml');
    expect(error.code).toBe('over-limit');
    expect(error.message).toContain('XML attributes');
    expect(error.location?.offset).toBeGreaterThan(0);
  });

  it('refuses an XML document with too many elements before parsing it', () => {
    const xml = `<issue>${'<p/>'.repeat(uploadLimits.xmlElements + 1)}</issue>`;
    const error = rejection(new TextEncoder().encode(xml), 'incoming/2024-11-30/issue.xml');
    expect(error.code).toBe('over-limit');
    expect(error.message).toContain('XML elements');
  });

  it('accepts the sample pages in every format', () => {
    for (const name of ['page01.txt', 'page01.json', 'page01.xml']) {
      const bytes = readFileSync(new URL(`../fixtures/quzhou-daily-2024-11-30-${name}`, import.meta.url));
      const ext = name.slice(name.indexOf('.') + 1);
      const key = ext === 'txt' ? 'incoming/2024-11-30/01.txt' : `incoming/2024-11-30/issue.${ext}`;
      expect(readUpload(bytes, key).pages.length).toBeGreaterThan(0);
    }
  });
});
