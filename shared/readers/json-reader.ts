import { type ErrorLocation, InvalidUploadError } from '../errors.ts';
import { type Issue, IssueSchema } from '../model/issue.ts';

/**
 * Deepest bracket nesting a JSON issue document may have. The model needs 5
 * (issue → pages → page → articles → article → byline → contributor); 64 leaves room for
 * mistakes while keeping a hostile `[[[[…` from exhausting the stack of JSON.parse or zod.
 */
export const maxJsonDepth = 64;

/** 1-based line and column of a character offset, for error messages people can act on. */
export const lineColumnAt = (text: string, offset: number): { line: number; column: number } => {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i += 1) {
    if (text.charCodeAt(i) === 0x0a) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
};

/**
 * Validate a plain value against `IssueSchema`. Schema violations become one
 * `InvalidUploadError('schema')` naming the first offending field by its model path
 * (`pages.0.articles.2.title`), so JSON and XML uploads report problems the same way.
 */
export const validateIssue = (value: unknown): Issue => {
  const result = IssueSchema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const first = issues[0];
  const field = first && first.path.length > 0 ? first.path.map(String).join('.') : '(document)';
  const more =
    issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  throw new InvalidUploadError('schema', `${field}: ${first?.message ?? 'invalid'}${more}`, {
    location: { field },
    cause: result.error,
  });
};

/**
 * Read a JSON issue document (the shape of `Issue`; see `shared/model/issue.schema.json`).
 *
 * @throws InvalidUploadError `too-deep` (nesting beyond {@link maxJsonDepth}, checked before
 *   parsing), `malformed-json` (with line/column), `schema` (with the field path), `empty`.
 */
export const readIssueJson = (text: string): Issue => {
  // A BOM is legal before JSON in files but JSON.parse rejects it.
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (source.trim() === '') throw new InvalidUploadError('empty', 'JSON document is empty');
  checkDepth(source);
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (cause) {
    const offset = locateJsonError(source);
    const location: ErrorLocation = { ...lineColumnAt(source, offset), offset };
    throw new InvalidUploadError(
      'malformed-json',
      `malformed JSON at line ${location.line}, column ${location.column}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { location, cause },
    );
  }
  try {
    return validateIssue(value);
  } catch (error) {
    throw withLine(error, source);
  }
};

/**
 * A schema error names a model path (`pages.0.articles.2.title`); add the line and column where
 * that value (or, when it is missing, its closest enclosing value) starts in the document.
 */
const withLine = (error: unknown, text: string): unknown => {
  if (!(error instanceof InvalidUploadError) || error.code !== 'schema') return error;
  const field = error.location?.field;
  if (field === undefined || field === '(document)') return error;
  const offset = offsetOfPath(text, field.split('.'));
  const { line, column } = lineColumnAt(text, offset);
  return new InvalidUploadError('schema', `line ${line}, column ${column}: ${error.message}`, {
    location: { ...error.location, line, column },
    cause: error.cause,
  });
};

/**
 * Offset where the value at `path` starts, or where the deepest existing part of the path does.
 * Runs only on text JSON.parse accepted, and checkDepth has bounded its nesting.
 */
const offsetOfPath = (text: string, path: readonly string[]): number => {
  let i = 0;
  let found = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r'))
      i += 1;
  };
  const skipString = () => {
    i += 1;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x5c) i += 2;
      else if (c === 0x22) {
        i += 1;
        return;
      } else i += 1;
    }
  };
  const skipValue = () => {
    ws();
    if (text[i] === '"') return skipString();
    let depth = 0;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        skipString();
        continue;
      }
      if (c === '{' || c === '[') depth += 1;
      else if (c === '}' || c === ']') {
        if (depth === 0) return;
        depth -= 1;
        if (depth === 0) {
          i += 1;
          return;
        }
      } else if (depth === 0 && c === ',') return;
      i += 1;
    }
  };
  const descend = (d: number): void => {
    ws();
    found = i;
    if (d === path.length) return;
    const open = text[i];
    if (open !== '{' && open !== '[') return;
    i += 1;
    for (let index = 0; ; index += 1) {
      ws();
      if (text[i] === '}' || text[i] === ']') return;
      let name = String(index);
      if (open === '{') {
        const start = i;
        skipString();
        name = JSON.parse(text.slice(start, i)) as string;
        ws();
        i += 1; // the colon
      }
      if (name === path[d]) {
        descend(d + 1);
        return;
      }
      skipValue();
      ws();
      if (text[i] !== ',') return;
      i += 1;
    }
  };
  descend(0);
  return found;
};

/** Bracket-depth scan that skips strings; linear and allocation-free, so it can run before JSON.parse. */
const checkDepth = (text: string) => {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > maxJsonDepth) {
        throw new InvalidUploadError('too-deep', `JSON nests deeper than ${maxJsonDepth} levels`, {
          location: { ...lineColumnAt(text, i), offset: i },
        });
      }
    } else if (c === 0x5d || c === 0x7d) depth -= 1;
  }
};

/**
 * Offset of the first syntax error. V8's JSON.parse messages carry a position only for some
 * errors (and not in a stable format), so on failure we re-scan with a small validating parser.
 * Recursion is bounded: checkDepth has already capped nesting.
 */
const locateJsonError = (text: string): number => {
  let i = 0;
  const ws = () => {
    while (i < text.length) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i += 1;
      else break;
    }
  };
  const fail = (): never => {
    throw i;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail();
      i += 1;
    }
  };
  const string = () => {
    i += 1; // opening quote
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i += 1;
        return;
      }
      if (c < 0x20) fail();
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            i += 1;
            fail();
          }
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else {
          i += 1;
          fail();
        }
      } else i += 1;
    }
    fail();
  };
  const number = () => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match) fail();
    i += match![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i += 1;
      ws();
      if (text[i] === '}') {
        i += 1;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i += 1;
        value();
        ws();
        if (text[i] === ',') i += 1;
        else if (text[i] === '}') {
          i += 1;
          return;
        } else fail();
      }
    } else if (c === '[') {
      i += 1;
      ws();
      if (text[i] === ']') {
        i += 1;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i += 1;
        else if (text[i] === ']') {
          i += 1;
          return;
        } else fail();
      }
    } else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) number();
    else fail();
  };
  try {
    value();
    ws();
    if (i < text.length) return i;
    // Our scanner accepted what JSON.parse rejected; point at the end rather than guess.
    return text.length;
  } catch (offset) {
    if (typeof offset === 'number') return offset;
    throw offset;
  }
};
