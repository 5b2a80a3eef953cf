import { createHash } from 'node:crypto';

/**
 * The one stylesheet of every page, inlined in a single `<style>` so a page is one request with no
 * external resources. The CSP allows exactly this block by hash (`pageStyleHash`), so any other
 * inline style or script injected into a page would be refused by the browser.
 *
 * Reading choices for Chinese text: system CJK fonts only (PingFang / Hiragino / YaHei / Noto /
 * Source Han), 1.8 line height, a measure of about 36 characters on desktop, first-line indent of
 * two characters as printed, `line-break: strict` so closing punctuation never starts a line.
 */
export const pageStyle = `
:root{color-scheme:light dark;--fg:#1d1d1f;--muted:#5f6368;--bg:#fdfcf8;--rule:#e2dfd6;--accent:#a4161a;--link:#0b4f9c}
@media (prefers-color-scheme:dark){:root{--fg:#e8e6e3;--muted:#a6a29b;--bg:#16171a;--rule:#33343a;--accent:#ff7a6e;--link:#8ab4f8}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font-family:system-ui,-apple-system,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",sans-serif;font-size:1.0625rem;line-height:1.8;line-break:strict;overflow-wrap:anywhere}
a{color:var(--link);text-underline-offset:.2em}
a:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
.wrap{max-width:38rem;margin:0 auto;padding:0 1.125rem}
.site-header{border-bottom:3px double var(--rule);padding:.75rem 0}
.site-header .wrap{display:flex;flex-wrap:wrap;align-items:baseline;justify-content:space-between;gap:.25rem 1rem}
.masthead{font-size:1.375rem;font-weight:700;letter-spacing:.08em;color:var(--accent);text-decoration:none}
.site-header nav a{margin-left:.75rem;font-size:.9375rem}
main{padding:1.25rem 0 2rem}
.kicker,.subtitle{margin:0;color:var(--muted);font-size:1rem;line-height:1.6}
h1{margin:.25rem 0;font-size:1.625rem;line-height:1.4;font-weight:700;letter-spacing:.02em}
.subtitle{margin-bottom:.5rem}
.meta,.byline{margin:.25rem 0;color:var(--muted);font-size:.9375rem;line-height:1.6}
.byline .role{margin-right:.25em}
.byline .role:not(:first-child){margin-left:.75em}
.article-body{margin-top:1.25rem;border-top:1px solid var(--rule);padding-top:.5rem}
.article-body p{margin:.9em 0;text-indent:2em;text-align:justify}
.dateline{font-weight:700}
.caption{margin:1rem 0;padding:.75rem 1rem;border-left:3px solid var(--rule);color:var(--muted);font-size:.9375rem}
.caption strong{color:var(--fg);margin-right:.5em}
.jump{margin:1.25rem 0;font-weight:700}
.photo{margin:1rem 0 1.25rem}
.photo img{display:block;width:100%;height:auto;background:var(--rule)}
.photo figcaption{margin-top:.4rem;color:var(--muted);font-size:.875rem;line-height:1.6}
.article-footer,.feeds,.site-footer{color:var(--muted);font-size:.9375rem}
.article-footer{margin-top:1.5rem;border-top:1px solid var(--rule);padding-top:.75rem}
h2{font-size:1.1875rem;line-height:1.5;margin:1.75rem 0 .5rem;padding-bottom:.25rem;border-bottom:1px solid var(--rule)}
.toc{list-style:none;margin:0;padding:0}
.toc li{margin:.5rem 0;line-height:1.6}
.toc .kicker-inline{display:block;color:var(--muted);font-size:.875rem}
.toc .by{color:var(--muted);font-size:.875rem;margin-left:.5em;white-space:nowrap}
.page-feeds a{margin-right:.5em}
.facsimile{margin:.5rem 0 1rem}
.facsimile img{display:block;max-width:12.5rem;height:auto;border:1px solid var(--rule)}
.page-turn a{margin-right:1em}
.edition{font-size:1rem;font-weight:400;color:var(--muted);margin-left:.5em;white-space:nowrap}
.feeds ul{list-style:none;padding:0;margin:.25rem 0}
.feeds li{margin:.25rem 0}
.feeds a{margin-right:.75em}
.site-footer{border-top:1px solid var(--rule);padding:1rem 0 2rem;line-height:1.6}
.site-footer p{margin:.25rem 0}
@media (min-width:48rem){body{font-size:1.125rem}h1{font-size:2rem}.wrap{max-width:40rem}}
@media print{.site-header nav,.feeds{display:none}body{background:#fff;color:#000}}
`.trim();

/** CSP source for the stylesheet: `'sha256-<base64>'` of the exact bytes inside `<style>`. */
export const pageStyleHash = `'sha256-${createHash('sha256').update(pageStyle, 'utf8').digest('base64')}'`;
