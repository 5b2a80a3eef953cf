import type { SiteConfig } from '../config.ts';
import type { Log } from '../log.ts';
import { parseSiteKey, siteFileUrl } from '../site-layout.ts';

/**
 * WebSub publish pings. The feeds advertise `config.websubHub` (rel=hub, JSON `hubs`); this tells
 * the hub which of them changed so it can fetch them and push to subscribers.
 *
 * The W3C WebSub Recommendation leaves the publisher → hub notification to each hub; the form
 * that Google's PubSubHubbub hub, websub.rocks and Superfeedr accept is a form-encoded POST of
 * `hub.mode=publish` and `hub.url=<feed URL>`.
 */

/** What `notifyHub` needs; `fetch` is a parameter so tests substitute one (production: global fetch). */
export interface NotifyHubDeps {
  fetch: typeof fetch;
  log: Log;
  config: SiteConfig;
  /** Per-request time limit; default `hubTimeoutMs`. */
  timeoutMs?: number;
}

/**
 * Default time limit of one ping. A hub is a third party: a slow one must not hold the build
 * function (billed time, and a Lambda timeout would retry an event that already published).
 */
export const hubTimeoutMs = 3000;

/**
 * Absolute URLs of the subscription feeds among the site keys a publish wrote, in write order,
 * each once. Archives (`feeds/<slug>/archive/…`) are left out: subscribers follow the
 * subscription documents, and an archive's change is visible through them.
 */
export const changedFeedUrls = (siteUrl: string, written: readonly string[]): string[] => {
  const urls = new Set<string>();
  for (const key of written) {
    if (parseSiteKey(key)?.kind === 'feed') urls.add(siteFileUrl(siteUrl, key));
  }
  return [...urls];
};

/**
 * Ping the configured hub once per changed feed URL, in parallel, each with a time limit.
 * Best effort: publishing already succeeded, so a failure (refusal, 5xx, timeout, network) is a
 * warning and never thrown — throwing would make Lambda retry a publish that is done. Does
 * nothing without a hub or without changed URLs.
 */
export const notifyHub = async (deps: NotifyHubDeps, changedFeedUrls: string[]): Promise<void> => {
  const hub = deps.config.websubHub;
  if (hub === undefined || changedFeedUrls.length === 0) return;
  const timeoutMs = deps.timeoutMs ?? hubTimeoutMs;
  const results = await Promise.all(changedFeedUrls.map((url) => ping(deps.fetch, hub, url, timeoutMs)));
  const failed = results.filter((r) => r.error !== undefined);
  for (const { url, error } of failed) {
    deps.log.warn('WebSub hub notification failed; subscribers will see the change on their next poll', {
      hub,
      url,
      error,
    });
  }
  if (failed.length < results.length) {
    deps.log.info('WebSub hub notified', { hub, urls: results.length - failed.length });
  }
};

const ping = async (
  fetchFn: typeof fetch,
  hub: string,
  url: string,
  timeoutMs: number,
): Promise<{ url: string; error?: string }> => {
  try {
    const response = await fetchFn(hub, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': url }).toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Release the connection: nothing in a hub's answer is used.
    await response.body?.cancel().catch(() => {});
    if (!response.ok) return { url, error: `hub answered ${response.status}` };
    return { url };
  } catch (error) {
    // Caught broadly on purpose: every failure of a third-party ping is the same warning.
    return { url, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
};
