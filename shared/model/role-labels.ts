import type { ContributorRole } from './issue.ts';

/**
 * The Chinese label of a byline role, as printed. Kept apart from the zod model (issue.ts) so
 * renderers on the permalink function's cold path do not import zod for one small map.
 */
export const roleLabels: Readonly<Record<ContributorRole, string>> = {
  reporter: '记者',
  correspondent: '通讯员',
  'reporting-team': '报道组',
  photographer: '摄影',
  editor: '编辑',
};
