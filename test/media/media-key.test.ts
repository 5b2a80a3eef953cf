import { describe, expect, it } from 'vitest';
import { InvalidUploadError } from '../../shared/errors.ts';
import { comparePhotoKeys, isMediaKey, parseMediaKey } from '../../shared/media/media-key.ts';

const refusal = (key: string) => {
  try {
    parseMediaKey(key);
  } catch (error) {
    if (error instanceof InvalidUploadError) return error.code;
    throw error;
  }
  throw new Error(`expected ${key} to be refused`);
};

describe('parseMediaKey', () => {
  it('reads a photo key: date, page and the label of its article', () => {
    expect(parseMediaKey('incoming/2024-11-30/01-古城韵味.jpg')).toEqual({
      kind: 'photo',
      date: '2024-11-30',
      page: 1,
      label: '古城韵味',
      sequence: 1,
    });
  });

  it('numbers further photos of one article from the suffix', () => {
    expect(parseMediaKey('incoming/2024-11-30/01-古城韵味-2.jpg')).toMatchObject({
      label: '古城韵味',
      sequence: 2,
    });
    expect(parseMediaKey('incoming/2024-11-30/01-古城韵味-1.JPEG')).toMatchObject({
      label: '古城韵味',
      sequence: 1,
    });
    expect(parseMediaKey('incoming/2024-11-30/03-C919-12.png')).toMatchObject({
      label: 'C919',
      sequence: 12,
    });
  });

  it('keeps dashes inside a label and a -0 that numbers nothing', () => {
    expect(parseMediaKey('incoming/2024-11-30/02-一带-一路.webp')).toMatchObject({
      label: '一带-一路',
      sequence: 1,
    });
    expect(parseMediaKey('incoming/2024-11-30/02-零点-0.jpg')).toMatchObject({
      label: '零点-0',
      sequence: 1,
    });
  });

  it('reads full-width digits and hyphens as an IME in full-width mode types them', () => {
    expect(parseMediaKey('incoming/2024-11-30/０１-古城韵味.jpg')).toMatchObject({
      kind: 'photo',
      page: 1,
      label: '古城韵味',
      sequence: 1,
    });
    expect(parseMediaKey('incoming/2024-11-30/０１－古城韵味－２.jpg')).toMatchObject({
      page: 1,
      label: '古城韵味',
      sequence: 2,
    });
    expect(parseMediaKey('incoming/2024-11-30/１２.pdf')).toEqual({
      kind: 'facsimile',
      date: '2024-11-30',
      page: 12,
      format: 'pdf',
    });
  });

  it('ignores spaces around the label and its number, ASCII or ideographic', () => {
    for (const name of [
      '01 - 古城韵味.jpg',
      '01-　古城韵味　.jpg',
      '01-古城韵味 -2.jpg',
      '01 -古城韵味 - 2.jpg',
    ]) {
      const info = parseMediaKey(`incoming/2024-11-30/${name}`);
      expect(info, name).toMatchObject({ kind: 'photo', page: 1, label: '古城韵味' });
    }
    expect(parseMediaKey('incoming/2024-11-30/01-古城韵味 -2.jpg')).toMatchObject({ sequence: 2 });
    expect(parseMediaKey('incoming/2024-11-30/01-古城 韵味.jpg')).toMatchObject({ label: '古城 韵味' });
  });

  it('reads page facsimiles as PDF or as an image', () => {
    expect(parseMediaKey('incoming/2024-11-30/01.pdf')).toEqual({
      kind: 'facsimile',
      date: '2024-11-30',
      page: 1,
      format: 'pdf',
    });
    expect(parseMediaKey('incoming/2024-11-30/012.PNG')).toEqual({
      kind: 'facsimile',
      date: '2024-11-30',
      page: 12,
      format: 'image',
    });
    expect(parseMediaKey('incoming/2024-11-30/4.jpg')).toMatchObject({ kind: 'facsimile', page: 4 });
  });

  it('leaves text, JSON and XML keys to the text contract', () => {
    for (const key of [
      'incoming/2024-11-30/01.txt',
      'incoming/issue.json',
      'incoming/2024-11-30/x.xml',
      'incoming/a',
    ]) {
      expect(isMediaKey(key)).toBe(false);
      expect(parseMediaKey(key)).toBeUndefined();
    }
  });

  it('refuses pictures that cannot be placed on a page of a date', () => {
    for (const key of [
      'uploads/2024-11-30/01-古城韵味.jpg',
      'incoming/01-古城韵味.jpg',
      'incoming/2024-02-30/01-古城韵味.jpg',
      'incoming/2024-11-30/photos/01-古城韵味.jpg',
      'incoming/2024-11-30/古城韵味.jpg',
      'incoming/2024-11-30/00-古城韵味.jpg',
      'incoming/2024-11-30/00.pdf',
      'incoming/2024-11-30/01-版面.pdf',
      'incoming/2024-11-30/01-.jpg',
      'incoming/2024-11-30/01- .jpg',
      'incoming/2024-11-30/01-　.jpg',
      'incoming/2024-11-30/０１ .jpg',
      'incoming/2024-11-30/01 古城韵味.jpg',
      `incoming/2024-11-30/01-${'长'.repeat(51)}.jpg`,
      'incoming/2024-11-30/../01.pdf',
      'incoming//2024-11-30/01.pdf',
      'incoming/2024-11-30\\01.pdf',
    ]) {
      expect(refusal(key), key).toBe('unsupported-key');
    }
  });
});

describe('comparePhotoKeys', () => {
  it('orders an article photos by their number, not by how their names sort', () => {
    const keys = ['01-古城韵味-10.jpg', '01-古城韵味-2.jpg', '01-古城韵味.jpg', '01-古城韵味-9.jpg'].map(
      (name) => {
        const key = `incoming/2024-11-30/${name}`;
        const info = parseMediaKey(key);
        if (info?.kind !== 'photo') throw new Error(key);
        return { key, sequence: info.sequence };
      },
    );
    expect([...keys].sort(comparePhotoKeys).map((k) => k.key.slice('incoming/2024-11-30/'.length))).toEqual([
      '01-古城韵味.jpg',
      '01-古城韵味-2.jpg',
      '01-古城韵味-9.jpg',
      '01-古城韵味-10.jpg',
    ]);
  });

  it('breaks a tie between the same number by key, whatever the arrival order', () => {
    const a = { key: 'incoming/2024-11-30/01-古城韵味-1.jpg', sequence: 1 };
    const b = { key: 'incoming/2024-11-30/01-古城韵味.jpg', sequence: 1 };
    expect([a, b].sort(comparePhotoKeys)).toEqual([b, a].sort(comparePhotoKeys));
    expect([a, b].sort(comparePhotoKeys)[0]).toBe(a);
  });
});
