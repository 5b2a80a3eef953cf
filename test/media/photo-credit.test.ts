import { describe, expect, it } from 'vitest';
import { creditFromByline, splitCaptionCredit } from '../../shared/media/photo-credit.ts';

describe('splitCaptionCredit', () => {
  it('splits the sample front page caption from its 摄 line', () => {
    const printed =
      '秋冬时节,孔氏南宗家庙的百年银杏迎来最佳观赏季。黄绿相间的银杏叶与红墙黛瓦交相辉映,' +
      '让游客沉浸于衢州秋冬之交的静美与深邃。 记者 刘芸 摄';
    expect(splitCaptionCredit(printed)).toEqual({
      caption: printed.slice(0, printed.indexOf(' 记者')),
      credit: { printed: '记者 刘芸 摄', photographers: ['刘芸'] },
    });
  });

  it('drops the brackets around a credit and keeps every photographer', () => {
    expect(splitCaptionCredit('村民在晒秋。（通讯员 张三 李四 摄）')).toEqual({
      caption: '村民在晒秋。',
      credit: { printed: '通讯员 张三 李四 摄', photographers: ['张三', '李四'] },
    });
  });

  it('reads the slash form', () => {
    expect(splitCaptionCredit('银杏叶黄了。刘芸/摄').credit).toEqual({
      printed: '刘芸/摄',
      photographers: ['刘芸'],
    });
  });

  it('leaves a caption without credit whole', () => {
    expect(splitCaptionCredit(' 村民在晒秋。 ')).toEqual({ caption: '村民在晒秋。' });
    expect(splitCaptionCredit('游客在古城拍照留念。')).toEqual({ caption: '游客在古城拍照留念。' });
  });
});

describe('creditFromByline', () => {
  it('names the photographers of an article the reader already split', () => {
    expect(
      creditFromByline([
        { name: '刘芸', role: 'photographer' },
        { name: '徐颖之', role: 'reporter' },
        { name: '张三', role: 'photographer' },
      ]),
    ).toEqual({ printed: '刘芸 张三 摄', photographers: ['刘芸', '张三'] });
  });

  it('gives no credit when no photographer is named', () => {
    expect(creditFromByline([{ name: '徐颖之', role: 'reporter' }])).toBeUndefined();
  });
});
