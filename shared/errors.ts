/**
 * Typed errors of the publisher. Edges (handlers, CLIs) translate them with `instanceof`;
 * the core never maps errors by `name` strings and never serialises them into HTTP bodies.
 */

/** Where in an upload a problem was found: a 1-based line, a field path, or a byte offset. */
export interface ErrorLocation {
  line?: number;
  column?: number;
  field?: string;
  offset?: number;
}

/** Machine-readable reason for a rejected upload; stable, used in reports and tests. */
export type InvalidUploadCode =
  | 'empty'
  | 'binary'
  | 'undecodable'
  | 'too-large'
  | 'no-date'
  | 'contradicting-date'
  | 'contradicting-page'
  | 'schema'
  | 'malformed-xml'
  | 'malformed-json'
  | 'doctype'
  | 'too-deep'
  | 'unsupported-key'
  | 'no-articles'
  /** A photo or page image whose bytes are no picture at all (text, an archive, …). */
  | 'not-an-image'
  /** A picture that does not decode: truncated upload, broken header or pixel data. */
  | 'corrupt-image'
  /** An SVG picture: it can carry scripts and external references, so it is never published. */
  | 'svg-image'
  /** A real picture in a format the contract does not take (GIF, TIFF, HEIC, AVIF, BMP, …). */
  | 'unsupported-image'
  /** More pixels than configured (decompression bombs); found in the header, before decoding. */
  | 'too-many-pixels'
  /** A page facsimile named .pdf that is not a complete PDF file. */
  | 'not-a-pdf'
  /** A PDF that does more than show a page (JavaScript, launch actions, attachments), is encrypted, or places a photographer (GPS). */
  | 'unsupported-pdf'
  /** More pages, articles, characters or XML nodes than shared/readers/upload-limits.ts allows. */
  | 'over-limit'
  /** Issue date after the build date + maxDaysAhead, or before firstIssueDate (shared/config.ts). */
  | 'date-out-of-range'
  /** A reader failed unexpectedly (a bug); the upload is still refused, with the bug as cause. */
  | 'unreadable';

/** Upload data that can never be published as it is. Permanent: retrying does not help. */
export class InvalidUploadError extends Error {
  override readonly name = 'InvalidUploadError';
  readonly code: InvalidUploadCode;
  readonly location: ErrorLocation | undefined;

  constructor(
    code: InvalidUploadCode,
    message: string,
    options?: { location?: ErrorLocation; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.location = options?.location;
  }
}

/** A conditional write lost: the object changed (If-Match) or already exists (If-None-Match). */
export class PreconditionFailedError extends Error {
  override readonly name = 'PreconditionFailedError';
  constructor(
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(`precondition failed writing ${key}`, options);
  }
}

/**
 * An object is larger than the reader allowed (`Store.get` with `maxBytes`); found before its
 * body was read past the limit. Permanent for these bytes: publishing reports it as `too-large`.
 */
export class ObjectTooLargeError extends Error {
  override readonly name = 'ObjectTooLargeError';
  constructor(
    readonly key: string,
    readonly maxBytes: number,
    /** The object's size when the store knows it (Content-Length, file size). */
    readonly size?: number,
  ) {
    super(
      size === undefined
        ? `${key} is larger than ${maxBytes} bytes`
        : `${key} has ${size} bytes, more than the ${maxBytes} allowed`,
    );
  }
}

/**
 * A key the filesystem store cannot hold: it would escape the root (`..`, absolute, backslash,
 * NUL), uses a reserved name, or collides with the folder of other keys (`a` vs `a/b`).
 * Permanent: retrying does not help.
 */
export class InvalidKeyError extends Error {
  override readonly name = 'InvalidKeyError';
  constructor(
    readonly key: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`invalid storage key ${JSON.stringify(key)}: ${reason}`, options);
  }
}

/** A storage operation failed for a reason that may pass (network, throttling, 5xx). Retry. */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Configuration missing or invalid; raised once at cold start. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A stored record that is not what publishing writes (truncated, hand-edited, another schema
 * version). Permanent until republished: the server answers 500 and logs the key.
 */
export class StoredRecordError extends Error {
  override readonly name = 'StoredRecordError';
  constructor(
    readonly key: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${key}: ${message}`, options);
  }
}

/** A command-line mistake; `npm start` prints the message and the usage text, then exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
