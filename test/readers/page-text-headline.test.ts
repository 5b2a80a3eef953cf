import { describe, expect, it } from 'vitest';
import { printedHeadline, splitHeadline } from '../../shared/readers/page-text-headline.ts';

describe('splitHeadline', () => {
  it('reads the first part of a one-line headline as the title and the rest as subtitle', () => {
    expect(splitHeadline(['第七届世界浙商大会衢州专题活动举行 徐张艳蔡晓春致辞 杜兴林主持'], false)).toEqual({
      title: '第七届世界浙商大会衢州专题活动举行',
      subtitle: '徐张艳蔡晓春致辞 杜兴林主持',
    });
    expect(splitHeadline(['方世忠参加会议'], false)).toEqual({ title: '方世忠参加会议' });
  });

  it('reads a line above the title as the kicker and a dash line below as the subtitle', () => {
    expect(
      splitHeadline(
        ['深化“千万工程”经验 建设宜居宜业和美乡村', '衢江区三个村入选', '——省级未来乡村创建名单公布'],
        false,
      ),
    ).toEqual({
      kicker: '深化“千万工程”经验 建设宜居宜业和美乡村',
      title: '衢江区三个村入选',
      subtitle: '省级未来乡村创建名单公布',
    });
  });

  it('reads a short first line above a headline as its column label', () => {
    expect(splitHeadline(['一线调研', '智造新城多跨协同为企保供水'], false)).toEqual({
      column: '一线调研',
      title: '智造新城多跨协同为企保供水',
    });
  });

  it('keeps every line of a photo title in the title', () => {
    expect(splitHeadline(['古城韵味', '大美衢州'], true)).toEqual({ title: '古城韵味 大美衢州' });
  });
});

describe('printedHeadline', () => {
  it('joins kicker, title and subtitle back together', () => {
    expect(printedHeadline({ kicker: '引题', title: '主题', subtitle: '副题' })).toBe('引题 主题 副题');
    expect(printedHeadline({ title: '主题' })).toBe('主题');
  });
});
