import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidUploadError } from '../../shared/errors.ts';
import { IssueSchema } from '../../shared/model/issue.ts';
import { readPageText } from '../../shared/readers/page-text-reader.ts';
import { readIssueXml } from '../../shared/readers/xml-reader.ts';
import { smallIssue } from './small-issue.ts';

const xml = `<?xml version="1.0" encoding="UTF-8"?>
<!-- 衢州日报 2024-11-30, page 1 -->
<issue date="2024-11-30" number="13355" pageCount="4" weekday="星期六">
  <paper name="衢州日报" organ="中共衢州市委机关报" hotline="96811"/>
  <page number="1" section="要闻" editor="林俊">
    <article id="p1-0a1b2c3d" kind="news">
      <kicker/>
      <title>高屹率团赴韩国开展经贸考察访问</title>
      <byline><person role="reporter">徐颖之</person></byline>
      <dateline>本报讯</dateline>
      <p>11月26日至29日,市委书记高屹率衢州市经贸代表团赴韩国考察访问。</p>
      <p>方世忠参加。</p>
    </article>
    <article id="p1-11111111" kind="teaser">
      <title>他成为村里第三个器官捐献者</title>
      <p>
        11月28日,开化县音坑乡对门村46岁的村民徐春田完成了器官捐献。
      </p>
      <jump page="2">详见今日第二版</jump>
    </article>
  </page>
</issue>
`;

const expected = smallIssue;

const failure = (text: string, options?: Parameters<typeof readIssueXml>[1]) => {
  try {
    readIssueXml(text, options);
  } catch (error) {
    if (error instanceof InvalidUploadError) return error;
    throw error;
  }
  throw new Error('readIssueXml accepted the text');
};

const withTitle = (title: string) =>
  xml.replace('<title>他成为村里第三个器官捐献者</title>', `<title>${title}</title>`);

describe('readIssueXml', () => {
  it('reads the sample page document to the same model as the page-text reader makes of the .txt', () => {
    const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
    const fromText = readPageText(fixture('quzhou-daily-2024-11-30-page01.txt'));
    expect(readIssueXml(fixture('quzhou-daily-2024-11-30-page01.xml'))).toEqual(fromText);
  });

  it('reads an issue document into the model', () => {
    expect(readIssueXml(xml)).toEqual(expected);
  });

  it('keeps digit strings as written and decodes entities, numeric references and CDATA', () => {
    const issue = readIssueXml(withTitle('R&amp;D &#x8862;&#24030; &lt;b&gt; <![CDATA[<i>0012</i>]]>'));
    expect(issue.pages[0]!.articles[1]!.title).toBe('R&D 衢州 <b> <i>0012</i>');
    const digits = readIssueXml(withTitle('20241130'));
    expect(digits.pages[0]!.articles[1]!.title).toBe('20241130');
  });

  it('rejects a DOCTYPE and entity declarations outright (billion laughs)', () => {
    const laughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<issue date="2024-11-30"><page><article><title>&lol3;</title></article></page></issue>`;
    const error = failure(laughs);
    expect(error.code).toBe('doctype');
    expect(error.location).toMatchObject({ line: 2, column: 1 });
    expect(
      failure(`<!doctype issue SYSTEM "file:///etc/passwd">${xml.slice(xml.indexOf('<issue'))}`).code,
    ).toBe('doctype');
  });

  it('rejects an undeclared entity as malformed', () => {
    expect(failure(withTitle('&nbsp;衢州')).code).toBe('malformed-xml');
  });

  it.each([
    ['mismatched tags', '<issue><page></issue>'],
    ['two roots', '<issue date="2024-11-30"/><issue date="2024-11-30"/>'],
    ['a control character', '<issue date="2024-11-30">\u0001</issue>'],
    ['an unbound prefix', '<issue><x:page/></issue>'],
    ['an unclosed root', '<issue date="2024-11-30">'],
    ['text only', '衢州日报 2024年11月30日'],
  ])('rejects %s as malformed XML', (_name, text) => {
    expect(failure(text).code).toBe('malformed-xml');
  });

  it('reports the line and column of a well-formedness error', () => {
    const error = failure('<issue>\n  <page>\n    <article></page>\n</issue>');
    expect(error.code).toBe('malformed-xml');
    expect(error.location?.line).toBe(3);
    expect(error.message).toContain('line 3');
  });

  it('rejects absurd nesting', () => {
    const deep = `${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}`;
    expect(failure(deep).code).toBe('too-deep');
    expect(failure(xml, { maxDepth: 4 }).code).toBe('too-deep');
  });

  it('rejects documents above the size limit', () => {
    expect(failure(xml, { maxChars: 100 }).code).toBe('too-large');
  });

  it.each([
    ['an empty title', withTitle(''), 'pages.0.articles.1.title', 14],
    ['a page number that is not a number', xml.replace('number="1"', 'number="one"'), 'pages.0.number', 5],
    ['an unknown role', xml.replace('role="reporter"', 'role="boss"'), 'pages.0.articles.0.byline.0.role', 6],
    ['an empty paper name', xml.replace('name="衢州日报"', 'name=""'), 'paper.name', 4],
    ['an impossible date', xml.replace('date="2024-11-30"', 'date="2024-13-01"'), 'date', 3],
  ])('names the line of the element holding %s', (_name, text, field, line) => {
    const error = failure(text);
    expect(error.code).toBe('schema');
    expect(error.location).toEqual({ field, line });
    expect(error.message).toMatch(new RegExp(`^line ${line}: ${field.replace(/\./g, '\\.')}: `));
  });

  it.each([
    ['an empty title', withTitle(''), 'pages.0.articles.1.title'],
    ['a page number that is not a number', xml.replace('number="1"', 'number="one"'), 'pages.0.number'],
    ['an unknown role', xml.replace('role="reporter"', 'role="boss"'), 'pages.0.articles.0.byline.0.role'],
    ['an unknown element', withTitle('x</title><summary>y</summary><title>'), 'pages.0.articles.1'],
    ['a repeated title', withTitle('a</title><title>b'), 'pages.0.articles.1.title'],
    ['an unknown attribute', xml.replace('<page number="1"', '<page colour="red" number="1"'), 'pages.0'],
    [
      'markup inside a paragraph',
      xml.replace('<p>方世忠参加。</p>', '<p>方世忠<b>参加</b>。</p>'),
      'pages.0.articles.0.paragraphs.1',
    ],
    ['an impossible date', xml.replace('date="2024-11-30"', 'date="2024-13-01"'), 'date'],
    ['a missing paper', xml.replace(/<paper [^>]*\/>/, ''), 'paper'],
    ['another root element', '<newspaper/>', '(document)'],
  ])('rejects %s as a schema violation at its model path', (_name, text, field) => {
    const error = failure(text);
    expect(error.code).toBe('schema');
    expect(error.location?.field).toBe(field);
  });

  it('yields a valid Issue or an InvalidUploadError for arbitrary text', () => {
    const pieces = fc.constantFrom(
      '<issue date="2024-11-30">',
      '</issue>',
      '<page number="1" section="要闻">',
      '</page>',
      '<article id="p1-a" kind="news">',
      '</article>',
      '<title>',
      '</title>',
      '<paper name="衢州日报"/>',
      '<p>',
      '</p>',
      '&amp;',
      '&#0;',
      '<!DOCTYPE x>',
      '<![CDATA[',
      ']]>',
      '衢州',
      '\u0001',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 100 }),
          fc.array(pieces, { maxLength: 30 }).map((a) => a.join('')),
        ),
        (text) => {
          let outcome: unknown;
          try {
            outcome = readIssueXml(text);
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
});

describe('photos named in an XML document', () => {
  const withPhotos = (photos: string) =>
    xml.replace('<p>方世忠参加。</p>', `<p>方世忠参加。</p>\n      ${photos}`);

  it('reads each <photo> with its file, caption and credit, in document order', () => {
    const issue = readIssueXml(
      withPhotos(`<photo file="01-古城韵味.jpg">
        <caption>古城韵味 大美衢州</caption>
        <credit>记者 刘芸 摄</credit>
      </photo>
      <photo file="01-古城韵味-2.JPG"/>`),
    );
    expect(issue.pages[0]!.articles[0]!.photos).toEqual([
      { file: '01-古城韵味.jpg', caption: '古城韵味 大美衢州', credit: '记者 刘芸 摄' },
      { file: '01-古城韵味-2.JPG' },
    ]);
    // An article without <photo> has no photos field, as in JSON.
    expect('photos' in issue.pages[0]!.articles[1]!).toBe(false);
  });

  it('keeps the article caption and a photo caption apart', () => {
    const issue = readIssueXml(
      withPhotos('<caption>文章图片说明</caption><photo file="a.png"><caption>照片说明</caption></photo>'),
    );
    const article = issue.pages[0]!.articles[0]!;
    expect([article.caption, article.photos]).toEqual([
      '文章图片说明',
      [{ file: 'a.png', caption: '照片说明' }],
    ]);
  });

  it.each([
    ['no file', '<photo><caption>说明</caption></photo>', 'pages.0.articles.0.photos.0.file'],
    ['a path, not a file name', '<photo file="../02/a.jpg"/>', 'pages.0.articles.0.photos.0.file'],
    ['not a picture', '<photo file="01.pdf"/>', 'pages.0.articles.0.photos.0.file'],
    ['an unknown attribute', '<photo file="a.jpg" width="3"/>', 'pages.0.articles.0.photos.0'],
    ['an unknown child', '<photo file="a.jpg"><title>x</title></photo>', 'pages.0.articles.0.photos.0'],
    [
      'two credits',
      '<photo file="a.jpg"><credit>a</credit><credit>b</credit></photo>',
      'pages.0.articles.0.photos.0.credit',
    ],
  ])('rejects a photo with %s', (_why, photo, field) => {
    const error = failure(withPhotos(photo));
    expect(error.code).toBe('schema');
    expect(error.location?.field).toBe(field);
  });
});
