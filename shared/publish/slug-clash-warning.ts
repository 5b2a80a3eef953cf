import type { PublishedPage } from '../model/published.ts';

/**
 * The report warning publishing gives a page whose feed also carries live pages under other 版名
 * (homophones such as 综合 and 宗和, both `zonghe`). One place for publishing (upload-report.ts,
 * `slugClashes`) and the import (import-slug-clashes.ts).
 */
export const slugClashWarning = (page: PublishedPage, others: ReadonlySet<string>): string[] => {
  if (others.size === 0) return [];
  const names = [...others].sort().join('、');
  return [
    `版名 ${page.section} (page ${page.number}) shares the feed slug "${page.sectionSlug}" with ${names}: ` +
      `both go into one feed, feeds/${page.sectionSlug}/. Give it a slug of its own with the sectionSlugs ` +
      `setting (e.g. {"${page.section}": "${page.sectionSlug}-2"}), then upload the page again.`,
  ];
};
