import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { creditFromByline } from '../../shared/media/photo-credit.ts';
import { labelTargetOf, matchPhotoLabel, suggestLabel } from '../../shared/media/photo-label.ts';
import { readPageText } from '../../shared/readers/page-text-reader.ts';

/** The articles of the sample front page (2024-11-30, page 1), as the page-text reader gives them. */
const frontPage = [
  { title: '习近平对新时代马克思主义理论研究和建设工程作出重要指示强调' },
  { title: '高屹率团赴韩国开展经贸考察访问' },
  { title: '第七届世界浙商大会衢州专题活动举行' },
  { title: '市八届人大常委会第二十二次会议召开' },
  { title: '研发经费投入总量强度双提升' },
  { title: '解“近忧”化“远虑”' },
  {
    title: '古城韵味 大美衢州',
    caption: '秋冬时节,孔氏南宗家庙的百年银杏迎来最佳观赏季。11月28日,记者看到不少游客前来打卡留影。',
  },
  { title: '他成为村里第三个器官捐献者' },
].map(labelTargetOf);

describe('matchPhotoLabel', () => {
  it('matches the article whose title begins with the label, spaces and punctuation ignored', () => {
    expect(matchPhotoLabel('古城韵味', frontPage)).toEqual({ status: 'matched', index: 6 });
    expect(matchPhotoLabel('古城韵味大美', frontPage)).toEqual({ status: 'matched', index: 6 });
    expect(matchPhotoLabel('古城 韵味，大美', frontPage)).toEqual({ status: 'matched', index: 6 });
    expect(matchPhotoLabel('解近忧', frontPage)).toEqual({ status: 'matched', index: 5 });
  });

  it('matches the article whose photo caption begins with the label', () => {
    expect(matchPhotoLabel('秋冬时节', frontPage)).toEqual({ status: 'matched', index: 6 });
  });

  it('folds full-width letters and letter case', () => {
    const page = [{ title: 'C919 首航' }, { title: '其他新闻' }];
    expect(matchPhotoLabel('ｃ９１９', page)).toEqual({ status: 'matched', index: 0 });
  });

  it('reports a label that begins no title or caption, naming labels that would match', () => {
    const result = matchPhotoLabel('银杏', frontPage);
    expect(result.status).toBe('unmatched-photo');
    if (result.status !== 'unmatched-photo') return;
    expect(result.label).toBe('银杏');
    expect(result.candidates).toHaveLength(frontPage.length);
    expect(result.candidates[6]).toBe('古城韵味');
    for (const [index, candidate] of result.candidates.entries()) {
      expect(matchPhotoLabel(candidate, frontPage)).toEqual({ status: 'matched', index });
    }
  });

  it('does not match a label found in the middle of a title', () => {
    expect(matchPhotoLabel('大美衢州', frontPage).status).toBe('unmatched-photo');
  });

  it('reports a label that begins several articles instead of guessing', () => {
    const page = [{ title: '衢州新闻一' }, { title: '衢州新闻二' }, { title: '其他' }];
    const result = matchPhotoLabel('衢州', page);
    expect(result).toEqual({
      status: 'ambiguous-photo',
      label: '衢州',
      candidates: ['衢州新闻一', '衢州新闻二'],
    });
  });

  it('prefers the article whose whole title is the label', () => {
    const page = [{ title: '衢州新闻' }, { title: '衢州' }];
    expect(matchPhotoLabel('衢州', page)).toEqual({ status: 'matched', index: 1 });
  });

  it('matches nothing with a label of punctuation only', () => {
    expect(matchPhotoLabel('——', frontPage).status).toBe('unmatched-photo');
  });
});

describe('suggestLabel', () => {
  it('uses four characters when they tell the article apart, more when they do not', () => {
    const page = [{ title: '衢州市区新闻' }, { title: '衢州市区天气' }, { title: '体育' }];
    expect(suggestLabel(page, 0)).toBe('衢州市区新');
    expect(suggestLabel(page, 1)).toBe('衢州市区天');
    expect(suggestLabel(page, 2)).toBe('体育');
  });
});

describe('the sample front page as the page-text reader reads it', () => {
  const text = readFileSync(
    new URL('../fixtures/quzhou-daily-2024-11-30-page01.txt', import.meta.url),
    'utf8',
  );
  const articles = readPageText(text).pages[0]!.articles;

  it('gives 01-古城韵味.jpg to the photo 古城韵味 大美衢州, credited to 刘芸', () => {
    const result = matchPhotoLabel('古城韵味', articles.map(labelTargetOf));
    expect(result.status).toBe('matched');
    if (result.status !== 'matched') return;
    const article = articles[result.index]!;
    expect([article.kind, article.title]).toEqual(['photo', '古城韵味 大美衢州']);
    expect(creditFromByline(article.byline)).toEqual({ printed: '刘芸 摄', photographers: ['刘芸'] });
  });

  it('also finds it by the beginning of its caption', () => {
    const result = matchPhotoLabel('秋冬时节', articles.map(labelTargetOf));
    expect(result.status === 'matched' && articles[result.index]!.title).toBe('古城韵味 大美衢州');
  });
});
