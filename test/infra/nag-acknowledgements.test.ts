import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Synth, synth } from './synth-kit.ts';

interface Acknowledgement {
  path: string;
  id: string;
}

/** Every acknowledgement recorded in the tree, with the construct it was recorded on. */
const acknowledgementsIn = (root: IConstruct): Acknowledgement[] => {
  const found: Acknowledgement[] = [];
  const visit = (construct: IConstruct) => {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const id of Object.keys(entry.data as Record<string, unknown>))
        found.push({ path: construct.node.path, id: id.replace(/^annotation::/i, '') });
    }
    for (const child of construct.node.children) visit(child);
  };
  visit(root);
  return found;
};

/**
 * What the AWS Solutions pack finds when nothing is acknowledged. cdk-nag 3 consults
 * acknowledgements through one method, `isAcknowledged(resource, ruleId)`, called for every
 * finding; answering "no" while recording the question lists the findings.
 */
const findingsIgnoringAcknowledgements = (root: IConstruct): Acknowledgement[] => {
  const checks = new AwsSolutionsChecks();
  const seam = checks as unknown as { isAcknowledged: (resource: IConstruct, ruleId: string) => boolean };
  // If cdk-nag renames the method, fail here rather than report no findings.
  expect(typeof seam.isAcknowledged).toBe('function');
  const findings: Acknowledgement[] = [];
  seam.isAcknowledged = (resource, ruleId) => {
    findings.push({ path: resource.node.path, id: ruleId });
    return false;
  };
  checks.validateScope(root);
  return findings;
};

const under = (ancestor: string, path: string) => path === ancestor || path.startsWith(`${ancestor}/`);

describe.each([
  ['default context', {}],
  [
    'custom domain',
    {
      domainName: 'feeds.qz.example.cn',
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0123abcd-4567-89ab-cdef-0123456789ab',
      alarmEmail: 'night-desk@example.cn',
      deskEmail: 'desk@example.cn',
      serveReservedConcurrency: 'off',
    },
  ],
])('cdk-nag acknowledgements (%s)', (_name, context) => {
  let s: Synth;
  beforeAll(() => {
    s = synth(context);
  });

  it('acknowledges only findings that exist: each matches one on its construct or below', () => {
    const findings = findingsIgnoringAcknowledgements(s.app);
    expect(findings.length).toBeGreaterThan(0);
    const nag = acknowledgementsIn(s.stack).filter((ack) => ack.id.startsWith('AwsSolutions-'));
    expect(nag.length).toBeGreaterThan(0);
    const unmatched = nag.filter(
      (ack) => !findings.some((finding) => finding.id === ack.id && under(ack.path, finding.path)),
    );
    expect(unmatched).toEqual([]);
  });

  it('acknowledges no CDK warning but the one the site distribution causes on purpose', () => {
    // CDK acknowledges its own cfn-lint rule W3045 on an access-log bucket: not ours to check.
    const others = acknowledgementsIn(s.stack).filter(
      (ack) => !ack.id.startsWith('AwsSolutions-') && !ack.id.startsWith('CloudFormation-Validate::'),
    );
    expect(others.map((ack) => `${ack.path} ${ack.id}`)).toEqual([
      'QuzhouDailyPublisher/Site @aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac',
    ]);
  });
});

describe('the unmatched-acknowledgement check', () => {
  it('catches an acknowledgement that matches no finding', () => {
    const s = synth();
    // The SNS2 acknowledgement this stack used to carry: the topic has no such finding.
    Validations.of(s.stack.node.findChild('Monitoring').node.findChild('Alarms')).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason: 'A stale acknowledgement, recorded here to prove the check above would catch it.',
    });
    const findings = findingsIgnoringAcknowledgements(s.app);
    const stale = acknowledgementsIn(s.stack).filter(
      (ack) =>
        ack.id.startsWith('AwsSolutions-') &&
        !findings.some((finding) => finding.id === ack.id && under(ack.path, finding.path)),
    );
    expect(stale.map((ack) => ack.id)).toEqual(['AwsSolutions-SNS2']);
  });
});
