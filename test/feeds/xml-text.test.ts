import { describe, expect, it } from 'vitest';
import {
  escapeCleanRssPlainText,
  escapeHtml,
  escapeXmlAttribute,
  escapeXmlText,
  sanitizeText,
  utf8ByteLength,
} from '../../shared/feeds/xml-text.ts';
import { hostileText } from '../support/published-fixtures.ts';
import { assertWellFormed, parseXml } from './xml-check.ts';

describe('xml text', () => {
  it('drops characters XML 1.0 cannot carry, lone surrogates included, and keeps the rest', () => {
    expect(sanitizeText(hostileText.controls)).toBe('badchars');
    expect(sanitizeText('a\ud800b\udc00c')).toBe('abc');
    expect(sanitizeText('tab\tnl\ncr\r😀衢')).toBe('tab\tnl\ncr\r😀衢');
  });

  it('escapes text and attributes so every hostile string parses back as itself', () => {
    for (const value of Object.values(hostileText)) {
      const xml = `<a t="${escapeXmlAttribute(value)}">${escapeXmlText(value)}</a>`;
      assertWellFormed(xml);
      const parsed = parseXml(xml).a;
      expect(parsed['#text'] ?? '').toBe(sanitizeText(value));
      expect(parsed['@t']).toBe(sanitizeText(value));
    }
  });

  it('never lets ]]> through in character data', () => {
    expect(escapeXmlText(hostileText.cdataEnd)).toBe('ends ]]&gt; here ]]&gt; twice');
  });

  it('keeps whitespace in attributes through attribute normalisation', () => {
    const xml = `<a t="${escapeXmlAttribute('x\ty\nz')}"/>`;
    expect(parseXml(xml).a['@t']).toBe('x\ty\nz');
  });

  it('writes RSS plain text with hexadecimal references, as the RSS profile recommends', () => {
    expect(escapeCleanRssPlainText('AT&T <b>')).toBe('AT&#x26;T &#x3C;b&#x3E;');
  });

  it('escapes HTML text and attribute values', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('counts UTF-8 bytes like Buffer does', () => {
    for (const value of ['', 'abc', '衢州日报', '😀x', 'é', Object.values(hostileText).join('')]) {
      const clean = sanitizeText(value);
      expect(utf8ByteLength(clean), value).toBe(Buffer.byteLength(clean, 'utf8'));
    }
  });
});
