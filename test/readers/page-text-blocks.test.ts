import { describe, expect, it } from 'vitest';
import {
  classifyBlocks,
  isSentenceFinal,
  parseJump,
  parseLead,
  readLabel,
  splitTrailingJump,
} from '../../shared/readers/page-text-blocks.ts';
import { splitTextLines } from '../../shared/readers/page-text-lines.ts';
import { parseNumeral } from '../../shared/readers/page-text-numerals.ts';

const kinds = (text: string) => classifyBlocks(splitTextLines(text)).map((b) => b.kind);

describe('isSentenceFinal', () => {
  it.each([
    '方世忠参加。',
    '就有3例——',
    '他说:“好。”',
    'Done.',
    '怎么办?',
    '怎么办？',
    '如下:',
    '一是加强保障;',
    '(完)',
  ])('treats %s as the end of a paragraph', (text) => expect(isSentenceFinal(text)).toBe(true));

  it.each([
    '企业负责人表',
    '面对面宣传衢州',
    '推动产业链“延补强建”',
    '《衢州市残疾人社会服务',
    '完成率达98.4%',
  ])('treats %s as cut by a column break', (text) => expect(isSentenceFinal(text)).toBe(false));
});

describe('parseNumeral', () => {
  it.each([
    ['4', 4],
    ['４', 4],
    ['四', 4],
    ['十', 10],
    ['十二', 12],
    ['二十', 20],
    ['一百零五', 105],
  ])('reads %s as %i', (printed, value) => expect(parseNumeral(printed)).toBe(value));

  it('returns undefined for what is no numeral', () => {
    expect(parseNumeral('第')).toBeUndefined();
    expect(parseNumeral('')).toBeUndefined();
  });
});

describe('jumps', () => {
  it.each([
    ['详见今日第四版', 4],
    ['详见今日第二版', 2],
    ['(下转第4版)', 4],
    ['（转第十二版）', 12],
  ])('reads %s as a jump to page %i', (text, page) => {
    expect(parseJump(text)).toEqual({ page, label: text });
  });

  it('splits a jump printed at the end of a paragraph', () => {
    expect(splitTrailingJump('作出更大贡献。(下转第四版)')).toEqual({
      text: '作出更大贡献。',
      jump: { page: 4, label: '下转第四版' },
    });
    expect(splitTrailingJump('作出更大贡献。')).toBeUndefined();
  });
});

describe('parseLead', () => {
  it('reads a dateline with a place and a date: 本报杭州11月29日讯', () => {
    expect(parseLead('本报杭州11月29日讯（记者 张三）正文。')).toEqual({
      dateline: '本报杭州11月29日讯',
      byline: [{ name: '张三', role: 'reporter' }],
      text: '正文。',
    });
  });

  it('reads dateline, byline and text with ASCII or full-width brackets', () => {
    const expected = {
      dateline: '本报讯',
      byline: [{ name: '徐颖之', role: 'reporter' }],
      text: '11月26日,正文。',
    };
    expect(parseLead('本报讯(记者 徐颖之)11月26日,正文。')).toEqual(expected);
    expect(parseLead('本报讯（记者 徐颖之）11月26日,正文。')).toEqual(expected);
  });

  it('reads a Xinhua dateline without byline', () => {
    expect(parseLead('新华社北京11月29日电　中共中央总书记…')).toEqual({
      dateline: '新华社北京11月29日电',
      byline: [],
      text: '中共中央总书记…',
    });
  });

  it('keeps a parenthesis that is no byline in the text', () => {
    expect(parseLead('本报讯(11月29日)市里召开会议。').text).toBe('(11月29日)市里召开会议。');
  });
});

describe('readLabel', () => {
  it('knows the paper’s column labels and bracketed ones', () => {
    expect(readLabel('今日导读')).toBe('今日导读');
    expect(readLabel('【民生速递】')).toBe('民生速递');
    expect(readLabel('■ 一线调研')).toBe('一线调研');
    expect(readLabel('工业强市 产业兴市')).toBeUndefined();
  });
});

describe('classifyBlocks', () => {
  it('classifies the kinds of line a page body holds', () => {
    expect(
      kinds(
        [
          '高屹率团赴韩国开展经贸考察访问 扎实推进高水平对外开放',
          '本报讯(记者 徐颖之)11月26日至29日,市委书记高屹率团考察访问。',
          '吴国升强调,做好知识产权司法',
          '保障工作,要深化思想认识。',
          '古城韵味',
          '秋冬时节,银杏迎来最佳观赏季。 记者 刘芸 摄',
          '今日导读',
          '详见今日第二版',
          '(上接第一版)',
          '记者 张三 通讯员 李四',
          '责任编辑:林俊 电话:8070805',
        ].join('\n'),
      ),
    ).toEqual([
      'heading',
      'lead',
      'prose',
      'prose',
      'heading',
      'caption',
      'label',
      'jump',
      'continued',
      'byline',
      'editor',
    ]);
  });

  it('reads a byline line with colons after the role words', () => {
    expect(kinds('记者：张三 通讯员：李四')).toEqual(['byline']);
    expect(kinds('本报记者:欧阳小明')).toEqual(['byline']);
  });

  it('reads an editor line only where one is printed, not a sentence naming an editor', () => {
    expect(kinds('责任编辑：林俊')).toEqual(['editor']);
    expect(kinds('本版责任编辑 林俊 美术编辑 王五')).toEqual(['editor']);
    expect(kinds('据该社责任编辑介绍,全书共分五章')).toEqual(['prose']);
  });

  it('takes a short line with a comma for a headline when a jump or lead follows it', () => {
    expect(kinds('大爱,在对门延续\n详见今日第二版')).toEqual(['heading', 'jump']);
    expect(kinds('大爱,在对门延续\n本报讯(记者 张三)正文。')).toEqual(['heading', 'lead']);
    expect(kinds('大爱,在对门延续\n正文。')).toEqual(['prose', 'prose']);
  });

  it('takes a short line with a comma for a kicker when a headline that opens an article follows it', () => {
    expect(kinds('坚持问题导向,强化系统观念\n我市召开务虚会\n本报讯(记者 张三)正文。')).toEqual([
      'heading',
      'heading',
      'lead',
    ]);
    expect(kinds('坚持问题导向,强化系统观念\n我市召开务虚会\n责任编辑:林俊')).toEqual([
      'prose',
      'heading',
      'editor',
    ]);
  });

  it('takes a short question or exclamation for a headline only before an article body', () => {
    expect(kinds('如何破解“停车难”？\n本报讯(记者 张三)正文。')).toEqual(['heading', 'lead']);
    expect(kinds('如何破解“停车难”？\n正文。')).toEqual(['prose', 'prose']);
    expect(kinds('他问：怎么办？我们说：干！\n本报讯(记者 张三)正文。')).toEqual(['heading', 'lead']);
    expect(kinds('他问怎么办。我们说干！\n本报讯(记者 张三)正文。')).toEqual(['prose', 'lead']);
  });

  it('keeps a short clause before a photo credit in the caption, not the photo title', () => {
    expect(kinds('初冬农忙\n农户正在采收胡柚,田间\n一派繁忙景象。 记者 郑一鸣 摄')).toEqual([
      'heading',
      'prose',
      'caption',
    ]);
    expect(kinds('初冬农忙\n11月27日,龙游\n县\n一处农业基地内。 记者 郑一鸣 摄')).toEqual([
      'heading',
      'prose',
      'heading',
      'caption',
    ]);
  });

  it('splits a (上接第一版) marker from the paragraph it starts', () => {
    const blocks = classifyBlocks(splitTextLines('(上接第一版)要强化全周期管理。\n接第一版的内容。'));
    expect(blocks.map((b) => [b.kind, b.text, b.line])).toEqual([
      ['continued', '(上接第一版)', 1],
      ['prose', '要强化全周期管理。', 1],
      ['prose', '接第一版的内容。', 2],
    ]);
  });
});
