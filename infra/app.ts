import { createPublisherApp } from './publisher-app.ts';

// CDK app entry (cdk.json: `npx tsx infra/app.ts`). Account and region come from the CLI profile
// at deploy time; the template itself stays environment-agnostic. The CLI tells the app that
// region (CDK_DEFAULT_REGION), so a region the stack cannot work in fails the synth.
createPublisherApp(undefined, undefined, process.env.CDK_DEFAULT_REGION).app.synth();
