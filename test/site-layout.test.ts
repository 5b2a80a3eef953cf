import { describe, expect, it } from 'vitest';
import {
  archiveKey,
  articleKey,
  feedKey,
  inputPrefix,
  issueKey,
  latestIssueKey,
  opmlKey,
  reportKey,
} from '../shared/site-layout.ts';

describe('site layout', () => {
  it('never places an output key under the input prefix', () => {
    const keys = [
      articleKey('2024-11-30', 'p1-abcdef01'),
      issueKey('2024-11-30'),
      latestIssueKey,
      feedKey('yaowen', 'rss'),
      feedKey('all', 'json'),
      archiveKey('yaowen', '2024-11-30', 'atom'),
      opmlKey,
      reportKey('incoming/2024-11-30/01.txt'),
    ];
    for (const key of keys) expect(key.startsWith(inputPrefix), key).toBe(false);
  });
});
