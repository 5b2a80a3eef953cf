import type { Contributor, ContributorRole } from './issue.ts';

/**
 * The Chinese label of a byline role, as printed. Kept apart from the zod model (issue.ts) so
 * renderers on the permalink function's cold path do not import zod for one small map.
 * `institution` has none: its name (本报评论员) is the whole byline.
 */
export const roleLabels: Readonly<Record<ContributorRole, string>> = {
  reporter: '记者',
  correspondent: '通讯员',
  'reporting-team': '报道组',
  photographer: '摄影',
  editor: '编辑',
  author: '作者',
  commentator: '特约评论员',
  institution: '',
  reader: '读者',
};

/** One contributor as a reader sees it: `记者 徐颖之`, `读者 赵六`, or just `本报评论员`. */
export const contributorText = ({ name, role }: Contributor): string => {
  const label = roleLabels[role];
  return label === '' ? name : `${label} ${name}`;
};
