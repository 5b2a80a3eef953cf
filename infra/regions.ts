import { ConfigError } from '../shared/errors.ts';

/**
 * Regions this stack cannot work in, and why. CloudFront itself is global: the stack's region
 * only places the buckets and functions (the origins), so any supported region near the
 * newsroom serves readers everywhere, mainland China and Hong Kong included, from the same edges.
 */
const unsupported: Array<{ matches: (region: string) => boolean; reason: string }> = [
  {
    // The aws-cn partition: Beijing and Ningxia.
    matches: (region) => region.startsWith('cn-'),
    reason:
      'the AWS China regions have no CloudFront Functions and no origin access control, which this stack needs to keep both origins private and to route the viewer host',
  },
  {
    matches: (region) => ['af-south-1', 'ap-east-1', 'eu-south-1', 'me-south-1'].includes(region),
    reason:
      'CloudFront cannot deliver standard access logs to a bucket in this region, and the log bucket lives in the stack region',
  },
];

/**
 * Refuse, with a message that says what to do, a region the stack cannot be deployed in.
 * `undefined` (an environment-agnostic synth with no region known) passes: docs/infrastructure.md
 * lists the regions for that case.
 */
export const assertSupportedRegion = (region: string | undefined): void => {
  if (region === undefined) return;
  const refusal = unsupported.find((entry) => entry.matches(region));
  if (refusal === undefined) return;
  throw new ConfigError(
    `cannot deploy the publisher in ${region}: ${refusal.reason}. ` +
      'Deploy it in another region (for a newsroom in China, e.g. ap-southeast-1 or ap-northeast-1): ' +
      'CloudFront serves readers from its global edges whatever the stack region.',
  );
};
