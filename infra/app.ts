import { createPublisherApp } from './publisher-app.ts';

// CDK app entry (cdk.json: `npx tsx infra/app.ts`). Account and region come from the CLI profile
// at deploy time; the template itself stays environment-agnostic.
createPublisherApp().app.synth();
