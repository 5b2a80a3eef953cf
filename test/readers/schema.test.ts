import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { issueJsonSchemaPath, issueJsonSchemaText } from '../../scripts/generate-schema.ts';

const committed = readFileSync(issueJsonSchemaPath, 'utf8');
const sampleJson = JSON.parse(
  readFileSync(new URL('../fixtures/quzhou-daily-2024-11-30-page01.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

describe('issue.schema.json', () => {
  it('equals a fresh generation from the zod model (run `npm run schema` after changing the model)', () => {
    expect(committed).toBe(issueJsonSchemaText());
  });

  it('accepts the sample page as a JSON document', () => {
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(JSON.parse(committed));
    expect(validate(sampleJson), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects documents the model rejects', () => {
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(JSON.parse(committed));
    expect(validate({ ...sampleJson, pages: [] })).toBe(false);
    expect(validate({ ...sampleJson, extra: 1 })).toBe(false);
    expect(validate({ ...sampleJson, date: '30/11/2024' })).toBe(false);
  });
});
