import { describe, expect, it } from 'vitest';
import { parseByline, readAuthorLine, splitPhotoCredit } from '../../shared/readers/page-text-byline.ts';

describe('parseByline', () => {
  it('gives each name the role word before it', () => {
    expect(parseByline('记者 胡灵萍 通讯员 余黎红 李若莹')).toEqual([
      { name: '胡灵萍', role: 'reporter' },
      { name: '余黎红', role: 'correspondent' },
      { name: '李若莹', role: 'correspondent' },
    ]);
    expect(parseByline('报道组 郑晨 吴怡婧 通讯员 袁天宏').map((p) => p.role)).toEqual([
      'reporting-team',
      'reporting-team',
      'correspondent',
    ]);
  });

  it('reads a role word glued to the name and full-width separators', () => {
    expect(parseByline('本报记者徐颖之　通讯员张三、李四')).toEqual([
      { name: '徐颖之', role: 'reporter' },
      { name: '张三', role: 'correspondent' },
      { name: '李四', role: 'correspondent' },
    ]);
  });

  it('counts names before any role word as reporters and drops tokens that are no names', () => {
    expect(parseByline('徐颖之 2024')).toEqual([{ name: '徐颖之', role: 'reporter' }]);
  });

  it('reads a colon after the role word', () => {
    expect(parseByline('记者：张三 通讯员:李四')).toEqual([
      { name: '张三', role: 'reporter' },
      { name: '李四', role: 'correspondent' },
    ]);
  });

  it('makes the names before a 摄 mark photographers and keeps those before a 文 mark', () => {
    expect(parseByline('记者 张三/文 李四/摄')).toEqual([
      { name: '张三', role: 'reporter' },
      { name: '李四', role: 'photographer' },
    ]);
    expect(parseByline('记者 张三 李四 摄')).toEqual([
      { name: '张三', role: 'photographer' },
      { name: '李四', role: 'photographer' },
    ]);
    expect(parseByline('记者 张三 通讯员 李四 摄')).toEqual([
      { name: '张三', role: 'reporter' },
      { name: '李四', role: 'photographer' },
    ]);
  });

  it('prefers the longer role word: 摄影记者 is a photographer', () => {
    expect(parseByline('摄影记者 刘芸')).toEqual([{ name: '刘芸', role: 'photographer' }]);
  });
});

describe('readAuthorLine', () => {
  it.each([
    ['□ 周晓燕', [{ name: '周晓燕', role: 'author' }]],
    ['□ 特约评论员 张三', [{ name: '张三', role: 'commentator' }]],
    ['本报评论员', [{ name: '本报评论员', role: 'institution' }]],
    [
      '本报记者 张三 通讯员 李四',
      [
        { name: '张三', role: 'reporter' },
        { name: '李四', role: 'correspondent' },
      ],
    ],
    [
      '文/图 记者 王五',
      [
        { name: '王五', role: 'reporter' },
        { name: '王五', role: 'photographer' },
      ],
    ],
    [
      '文 张三 图 李四',
      [
        { name: '张三', role: 'author' },
        { name: '李四', role: 'photographer' },
      ],
    ],
    ['作者 张三', [{ name: '张三', role: 'author' }]],
    ['读者 赵六', [{ name: '赵六', role: 'reader' }]],
    ['(记者 张三)', [{ name: '张三', role: 'reporter' }]],
  ])('reads the author line %s', (line, people) => {
    expect(readAuthorLine(line)).toEqual(people);
  });

  it.each([
    '风从江面上来',
    '看一只白鹭',
    '一片,又一片',
    '□ 一线调研',
    '周晓燕',
    '外婆的柿饼',
    '文化强市 产业兴市',
  ])('reads %s as no author line', (line) => {
    expect(readAuthorLine(line)).toBeUndefined();
  });
});

describe('splitPhotoCredit', () => {
  it('splits the caption from a trailing 记者 … 摄 credit', () => {
    expect(splitPhotoCredit('银杏叶与红墙黛瓦交相辉映。 记者 刘芸 摄')).toEqual({
      caption: '银杏叶与红墙黛瓦交相辉映。',
      photographers: [{ name: '刘芸', role: 'photographer' }],
    });
  });

  it('reads credits in brackets, with a slash and with several people', () => {
    expect(splitPhotoCredit('农户正在采收胡柚。(通讯员 张三 李四 摄)')).toEqual({
      caption: '农户正在采收胡柚。',
      photographers: [
        { name: '张三', role: 'photographer' },
        { name: '李四', role: 'photographer' },
      ],
    });
    expect(splitPhotoCredit('初冬的衢江 刘芸/摄')?.photographers).toEqual([
      { name: '刘芸', role: 'photographer' },
    ]);
  });

  it('reads a credit alone on its line as a photo without caption text', () => {
    expect(splitPhotoCredit('记者 刘芸 摄')).toEqual({
      caption: '',
      photographers: [{ name: '刘芸', role: 'photographer' }],
    });
  });

  it('finds no credit in a sentence that merely ends in 摄, or glued to the caption text', () => {
    expect(splitPhotoCredit('市民纷纷拿出手机拍摄')).toBeUndefined();
    expect(splitPhotoCredit('游客前来打卡留影刘芸摄')).toBeUndefined();
    expect(splitPhotoCredit('今天天气很好。')).toBeUndefined();
  });

  it('reads only the tail of a long caption', () => {
    const long = `${'秋冬时节,孔氏南宗家庙的百年银杏迎来最佳观赏季。'.repeat(40)} 记者 刘芸 摄`;
    expect(splitPhotoCredit(long)?.caption).toBe(
      '秋冬时节,孔氏南宗家庙的百年银杏迎来最佳观赏季。'.repeat(40),
    );
  });
});
