import type { ContributorRole } from '../model/issue.ts';

/**
 * The Chinese byline labels pages print — the same map as `roleLabels` in shared/model/issue.ts
 * (test/pages/role-labels.test.ts keeps them equal). Pages do not import that module at run time:
 * it builds the zod schemas at import, which would put zod (~440 KB minified, ~40 ms to import)
 * into the permalink function's bundle for one small map. Moving `roleLabels` to a zod-free
 * module of the model would remove this copy.
 */
export const bylineRoleLabels: Readonly<Record<ContributorRole, string>> = {
  reporter: '记者',
  correspondent: '通讯员',
  'reporting-team': '报道组',
  photographer: '摄影',
  editor: '编辑',
};
