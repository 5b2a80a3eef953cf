import { HtmlValidate } from 'html-validate';

/**
 * html-validate with its recommended preset. One rule is off, with reason:
 * - `long-title`: counts characters, not display width, and is an SEO preference; a Chinese
 *   headline plus paper name and date passes 70 characters without being a defect.
 */
const validator = new HtmlValidate({
  extends: ['html-validate:recommended'],
  rules: { 'long-title': 'off' },
});

/** Validation messages of a document as `rule: message (line)`; empty when valid. */
export const htmlProblems = async (document: string) => {
  const report = await validator.validateString(document);
  return report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message} (line ${m.line})`));
};

/** The parsed content of the page's JSON-LD block(s). */
export const jsonLdBlocks = (document: string): unknown[] =>
  [...document.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((m) =>
    JSON.parse(m[1]!),
  );
