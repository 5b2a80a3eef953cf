import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { expect } from 'vitest';
import { createPublisherApp } from '../../infra/publisher-app.ts';

/** Shared set-up of the CDK assertion tests (not a test file itself). */

const stub = fileURLToPath(new URL('./fixtures/stub-handler.ts', import.meta.url));
export const entries = { buildFeeds: stub, serveArticle: stub };

/** Synthesise the real app (nag plugin included) with bundling skipped, into a temp dir. */
export const synth = (context: Record<string, unknown> = {}, deployRegion?: string) => {
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'cdk-test-')),
    context: { 'aws:cdk:bundling-stacks': [], ...context },
  });
  const { stack } = createPublisherApp(app, entries, deployRegion);
  const template = Template.fromStack(stack);
  const json = template.toJSON() as { Resources: Record<string, { Type: string; Properties?: unknown }> };
  const logicalId = (type: string, prefix: string): string => {
    const ids = Object.keys(json.Resources).filter(
      (id) => json.Resources[id]?.Type === type && id.startsWith(prefix),
    );
    expect(ids, `${type} ${prefix}`).toHaveLength(1);
    return ids[0]!;
  };
  return { app, stack, template, json, logicalId };
};

export type Synth = ReturnType<typeof synth>;
