import { CfnElement, type CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Keep a resource's CloudFormation logical id from before it moved into a construct.
 * CloudFormation knows resources by logical id only: a new id replaces the resource. For a
 * retained bucket or log group that means an empty new one beside the orphaned old one; for a
 * bucket policy or the bucket-notification resource, a deleted policy or notification (the old
 * resource is deleted after the new one is created on the same bucket). The ids are asserted in
 * test/infra/stable-ids.test.ts.
 */
export const keepLogicalId = (construct: IConstruct, logicalId: string): void => {
  const element = CfnElement.isCfnElement(construct) ? construct : construct.node.defaultChild;
  if (element === undefined || !CfnElement.isCfnElement(element))
    throw new Error(`${construct.node.path} has no CloudFormation resource to keep an id for`);
  (element as CfnResource).overrideLogicalId(logicalId);
};
