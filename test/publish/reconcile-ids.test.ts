import { describe, expect, it } from 'vitest';
import { matchArticles, uniqueId } from '../../shared/publish/reconcile-ids.ts';

const candidate = (title: string, body: string, hash = `${title}|${body}`) => ({
  article: { title, paragraphs: [body] },
  contentHash: hash,
});

describe('matchArticles', () => {
  const previous = [
    candidate(
      '高屹率团赴韩国开展经贸考察访问',
      '11月26日至29日,市委书记高屹率衢州市经贸代表团赴韩国考察访问。',
    ),
    candidate(
      '第七届世界浙商大会衢州专题活动举行',
      '11月29日上午,第七届世界浙商大会衢州专题活动在杭州举行。',
    ),
    candidate('市八届人大常委会第二十二次会议召开', '昨日,市八届人大常委会第二十二次会议召开。'),
  ];

  it('matches identical content first', () => {
    expect(matchArticles(previous, [previous[2]!, previous[0]!])).toEqual([2, 0]);
  });

  it('matches an article whose title carries a typo fix', () => {
    const fixed = candidate('高屹率团赴韩国开展经贸考查访问', previous[0]!.article.paragraphs[0]!);
    expect(matchArticles(previous, [fixed])).toEqual([0]);
  });

  it('matches an article whose body carries a typo fix', () => {
    const fixed = candidate(
      previous[1]!.article.title,
      '11月29日上午,第七届世界浙商大会衢州专题活动在杭州召开。',
    );
    expect(matchArticles(previous, [fixed])).toEqual([1]);
  });

  it('leaves an inserted article unmatched without shifting the others', () => {
    const inserted = candidate('城区新增120个公共充电桩', '记者从市交通局获悉,城区新增公共充电桩。');
    expect(matchArticles(previous, [previous[0]!, inserted, previous[1]!, previous[2]!])).toEqual([
      0,
      undefined,
      1,
      2,
    ]);
  });

  it('does not match unrelated articles', () => {
    expect(matchArticles(previous, [candidate('初冬农忙', '田间地头一片繁忙景象。')])).toEqual([undefined]);
  });

  it('uses each previous article once', () => {
    expect(matchArticles(previous, [previous[0]!, previous[0]!])).toEqual([0, undefined]);
  });
});

describe('uniqueId', () => {
  it('suffixes a taken id', () => {
    expect(uniqueId('p1-abc', new Set(['p1-abc', 'p1-abc-2']))).toBe('p1-abc-3');
    expect(uniqueId('p1-abc', new Set())).toBe('p1-abc');
  });
});
