import type { Clock } from '../clock.ts';
import type { SiteConfig } from '../config.ts';
import type { ErrorLocation, InvalidUploadError } from '../errors.ts';
import type { Log } from '../log.ts';
import type { PublishedIssue } from '../model/published.ts';
import type { UnplacedLine } from '../readers/page-text-reader.ts';
import type { Store } from '../storage/store.ts';
import type { CdnInvalidator } from './cdn-invalidation.ts';
import type { WindowDoc } from './site-state.ts';
import { defaultRetryPolicy, type RetryPolicy, type Versioned } from './store-io.ts';

/** What the use case needs; the handler, the CLI and tests each wire their own. */
export interface PublishDeps {
  /** The upload store (`incoming/…`), read only. */
  input: Store;
  /** The site store: everything this writes. */
  site: Store;
  clock: Clock;
  log: Log;
  config: SiteConfig;
  /** Optimistic-concurrency back-off; tests may pass a faster one. */
  retry?: RetryPolicy;
  /**
   * The CDN in front of the site, told of every media rendition the publish deletes (a retracted
   * photo must not stay cached at the edge). Absent: no CDN (the local run, most tests).
   */
  cdn?: CdnInvalidator;
}

/** The back-off the publish's conditional writes and settle passes use. */
export const retryOf = (deps: PublishDeps): RetryPolicy => deps.retry ?? defaultRetryPolicy;

/** Bounded settle loops: each pass re-checks the documents it rendered from. */
export const settleAttempts = 20;

/** One upload change, key already decoded (`+` → space, percent-decoding done). */
export interface UploadEvent {
  type: 'created' | 'removed';
  key: string;
  sequencer?: string;
}

/** `reports/<upload key>.json`: what operators and `npm start` read back. */
export type UploadReport =
  | {
      key: string;
      ok: true;
      /** The issue date the upload went into (the first, for a removal that touched several). */
      date?: string;
      /** Page numbers the upload carried (or, for a removal, the pages it retracted). */
      pages: number[];
      /** Articles the upload carried (or retracted). */
      articles: number;
      /** Set when the upload was removed and its articles retracted. */
      retracted?: true;
      /** Published, but something needs an operator (a section sharing another's feed slug). */
      warnings?: string[];
      /** Page-text lines the reader could not place in any article (also named in `warnings`). */
      unplaced?: UnplacedLine[];
      /** Build clock, Beijing time with its explicit offset (`…+08:00`), like every other time. */
      at: string;
    }
  | {
      key: string;
      ok: false;
      code: InvalidUploadError['code'];
      message: string;
      location?: ErrorLocation;
      at: string;
    };

export interface PublishOutcome {
  status: 'published' | 'unchanged' | 'rejected' | 'retracted';
  key: string;
  date?: string;
  /** Site keys written (or deleted), in order. Empty when nothing changed. */
  written: string[];
  report: UploadReport;
}

/**
 * A pure change of one date's issue (merge an upload, retract one, attach correction notes):
 * given the issue as stored (undefined: none yet), the issue to commit, or undefined to leave
 * it. The commit may call it more than once, each time with a fresher issue.
 */
export type IssueTransform = (previous: PublishedIssue | undefined) => PublishedIssue | undefined;

/** An issue as committed, and the windows of its feeds as its propagation left them. */
export interface Propagated {
  issue: PublishedIssue;
  windows: ReadonlyMap<string, Versioned<WindowDoc>>;
  /** The year calendar, read after the issue was committed, lists the date's media state. */
  mediaListed: boolean;
}
