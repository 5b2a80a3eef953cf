import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { IssueSchema } from '../shared/model/issue.ts';

/**
 * `npm run schema`: writes `shared/model/issue.schema.json` from the zod model, so JSON uploads
 * can be checked by any JSON Schema tool. The file is committed; test/readers/schema.test.ts
 * fails when it drifts from the model.
 */

/** The JSON Schema text for `IssueSchema`, exactly as committed (stable key order, final newline). */
export const issueJsonSchemaText = (): string => {
  const schema = {
    ...z.toJSONSchema(IssueSchema, { target: 'draft-2020-12' }),
    title: '衢州日报 issue document',
    description:
      'One issue (or some pages of it) of 衢州日报, as uploaded to incoming/ as JSON. Generated from shared/model/issue.ts by `npm run schema`; do not edit.',
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
};

export const issueJsonSchemaPath = fileURLToPath(
  new URL('../shared/model/issue.schema.json', import.meta.url),
);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(issueJsonSchemaPath, issueJsonSchemaText());
  console.log(`wrote ${issueJsonSchemaPath}`);
}
