import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type LocalPublisher,
  type LocalPublisherOptions,
  startLocalPublisher,
} from '../../../scripts/lib/local-publisher.ts';

/** Test fixtures folder (the real sample page and the pages written for the tests). */
export const fixturesDir = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** Fixture pages of the 2024-11-30 issue: `quzhou-daily-2024-11-30-pageNN.txt` → page NN. */
export const issueFixturePages = async (): Promise<Map<string, string>> => {
  const pages = new Map<string, string>();
  for (const name of (await readdir(fixturesDir)).sort()) {
    const match = /^quzhou-daily-2024-11-30-page(\d{2})\.txt$/.exec(name);
    if (match) pages.set(match[1]!, join(fixturesDir, name));
  }
  return pages;
};

export interface StartedSite {
  publisher: LocalPublisher;
  dataDir: string;
  /** Lines the publisher printed. */
  printed: string[];
  /** Stop the publisher and remove the data folder. */
  close(): Promise<void>;
}

/**
 * Start the local publisher on an ephemeral port with a fresh data folder whose inbox holds the
 * given fixture pages (default: every page of the 2024-11-30 issue), as a user would have
 * dropped them; resolves once they are published.
 */
export const startSite = async (
  options: { pages?: readonly string[]; extra?: Partial<LocalPublisherOptions> } = {},
): Promise<StartedSite> => {
  const dataDir = await mkdtemp(join(tmpdir(), 'qzdaily-e2e-'));
  const available = await issueFixturePages();
  const wanted = options.pages ?? [...available.keys()];
  await mkdir(join(dataDir, 'incoming', '2024-11-30'), { recursive: true });
  for (const page of wanted) {
    const source = available.get(page);
    if (source === undefined) throw new Error(`fixture page ${page} is missing`);
    await copyFile(source, join(dataDir, 'incoming', '2024-11-30', `${page}.txt`));
  }
  const printed: string[] = [];
  const publisher = await startLocalPublisher({
    data: dataDir,
    host: '127.0.0.1',
    port: 0,
    pollIntervalMs: 100,
    print: (line) => printed.push(line),
    ...options.extra,
  });
  return {
    publisher,
    dataDir,
    printed,
    async close() {
      await publisher.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
};

/** Poll `check` until it returns a value other than undefined, or fail after `timeoutMs`. */
export const eventually = async <T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** The feed URLs an OPML document lists (`xmlUrl` attributes), entities decoded. */
export const opmlFeedUrls = (opml: string) =>
  [...opml.matchAll(/xmlUrl="([^"]+)"/g)].map((m) =>
    m[1]!
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>'),
  );
