import { describe, expect, it } from 'vitest';
import { roleLabels } from '../../shared/model/issue.ts';
import { bylineRoleLabels } from '../../shared/pages/role-labels.ts';

describe('bylineRoleLabels', () => {
  it('matches the issue model’s role labels', () => {
    expect(bylineRoleLabels).toEqual(roleLabels);
  });
});
