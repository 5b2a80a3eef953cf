import { describe, expect, it } from 'vitest';
import { sniffFormat } from '../../shared/media/sniff-format.ts';
import { flat } from './generated-pictures.ts';

describe('sniffFormat', () => {
  it('recognises the accepted formats by content, whatever their name', async () => {
    const picture = flat(8, 8, { r: 1, g: 2, b: 3 });
    expect(sniffFormat(await picture.clone().jpeg().toBuffer())).toBe('jpeg');
    expect(sniffFormat(await picture.clone().png().toBuffer())).toBe('png');
    expect(sniffFormat(await picture.clone().webp().toBuffer())).toBe('webp');
  });

  it('names refused picture formats', async () => {
    const picture = flat(8, 8, { r: 1, g: 2, b: 3 });
    expect(sniffFormat(await picture.clone().gif().toBuffer())).toBe('gif');
    expect(sniffFormat(await picture.clone().tiff().toBuffer())).toBe('tiff');
    expect(sniffFormat(await picture.clone().avif({ effort: 0 }).toBuffer())).toBe('avif');
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic\0\0\0\0mif1heic')]);
    expect(sniffFormat(heic)).toBe('heic');
  });

  it('finds SVG behind a BOM, a declaration, comments and a doctype', () => {
    const svg =
      '\uFEFF<?xml version="1.0"?>\n<!-- x -->\n<!DOCTYPE svg>\n<svg xmlns="http://www.w3.org/2000/svg"/>';
    expect(sniffFormat(Buffer.from(svg))).toBe('svg');
    expect(sniffFormat(Buffer.from('<svg:svg xmlns:svg="http://www.w3.org/2000/svg"/>'))).toBe('svg');
  });

  it('knows a PDF and nothing in text or short files', () => {
    expect(sniffFormat(Buffer.from('%PDF-1.4\n'))).toBe('pdf');
    expect(sniffFormat(Buffer.from('古城韵味 大美衢州'))).toBeUndefined();
    expect(sniffFormat(Buffer.from('<p>not a picture</p>'))).toBeUndefined();
    expect(sniffFormat(Buffer.from('<html><body><svg></svg></body></html>'))).toBeUndefined();
    expect(sniffFormat(new Uint8Array([0xff, 0xd8]))).toBeUndefined();
    expect(sniffFormat(new Uint8Array(0))).toBeUndefined();
  });
});
