import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readStackSettings } from './context-config.ts';
import { PublisherStack, type PublisherStackProps } from './publisher-stack.ts';

/** Construct id of the one stack (and its CloudFormation stack name). */
export const publisherStackId = 'QuzhouDailyPublisher';

/**
 * Build the CDK app: one stack, context validated once, cdk-nag's AWS Solutions checks on every
 * synth (a finding without an acknowledgement fails the synth). Separate from app.ts so tests
 * synthesise exactly what `cdk synth` does without synthesising on import.
 */
export const createPublisherApp = (
  app: App = new App(),
  entries?: PublisherStackProps['entries'],
  deployRegion?: string,
): { app: App; stack: PublisherStack } => {
  const settings = readStackSettings(app.node);
  const stack = new PublisherStack(app, publisherStackId, {
    settings,
    ...(entries ? { entries } : {}),
    deployRegion,
    description:
      'Quzhou Daily (衢州日报) feed publisher: ingest bucket, build and permalink functions, CloudFront',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
};
