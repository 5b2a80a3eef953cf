import { describe, expect, it } from 'vitest';
import { escapeHtml, html, trustedHtml } from '../../shared/pages/html.ts';

describe('html', () => {
  it('escapes interpolated strings for text and quoted attributes', () => {
    const value = `"'<&>`;
    expect(html`<a title="${value}">${value}</a>`.value).toBe(
      '<a title="&quot;&#39;&lt;&amp;&gt;">&quot;&#39;&lt;&amp;&gt;</a>',
    );
  });

  it('keeps nested fragments, joins arrays and drops nullish values', () => {
    const items = ['<a>', 'b'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}${undefined}${false}${null}</ul>`.value).toBe(
      '<ul><li>&lt;a&gt;</li><li>b</li></ul>',
    );
    expect(html`${trustedHtml('<br>')}`.value).toBe('<br>');
  });

  it('drops characters that may not appear in HTML, keeping astral characters', () => {
    expect(escapeHtml('a\u0000b\u0007c\u009fd\ufffee\ud800f\u{1ffff}g𠀀')).toBe('abcdefg𠀀');
    expect(escapeHtml('tab\tand\nnewline')).toBe('tab\tand\nnewline');
  });
});
