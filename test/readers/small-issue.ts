import type { Issue } from '../../shared/model/issue.ts';

/** A two-article issue both document readers must produce (JSON as written, XML as its twin). */
export const smallIssue: Issue = {
  paper: { name: '衢州日报', organ: '中共衢州市委机关报', hotline: '96811' },
  date: '2024-11-30',
  weekday: '星期六',
  number: 13355,
  pageCount: 4,
  pages: [
    {
      number: 1,
      section: '要闻',
      editor: '林俊',
      articles: [
        {
          id: 'p1-0a1b2c3d',
          kind: 'news',
          title: '高屹率团赴韩国开展经贸考察访问',
          byline: [{ name: '徐颖之', role: 'reporter' }],
          dateline: '本报讯',
          paragraphs: ['11月26日至29日,市委书记高屹率衢州市经贸代表团赴韩国考察访问。', '方世忠参加。'],
        },
        {
          id: 'p1-11111111',
          kind: 'teaser',
          title: '他成为村里第三个器官捐献者',
          byline: [],
          paragraphs: ['11月28日,开化县音坑乡对门村46岁的村民徐春田完成了器官捐献。'],
          jump: { page: 2, label: '详见今日第二版' },
        },
      ],
    },
  ],
};
