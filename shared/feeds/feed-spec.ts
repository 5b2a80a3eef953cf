import { pinyin } from 'pinyin-pro';
import type { SiteConfig } from '../config.ts';
import { ConfigError } from '../errors.ts';
import { allSectionsSlug } from '../site-layout.ts';

/**
 * Which feed a document belongs to: the all-sections feed or one section's (版名 — the page's
 * section name, e.g. 要闻). The slug is the ASCII path segment (`feeds/<slug>/rss.xml`).
 */
export interface FeedSpec {
  slug: string;
  /** Chinese title shown by readers, e.g. `衢州日报 · 要闻`. */
  title: string;
  /** The section (版名) this feed selects; undefined = all sections. */
  section?: string;
}

/** Longest slug the config schema accepts (`^[a-z0-9][a-z0-9-]{0,40}$`). */
const maxSlugLength = 41;

/** FNV-1a 32-bit: a stable fallback for names with nothing to transliterate. */
const fnv1a = (value: string): string => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i += 1) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
};

/**
 * ASCII slug of a section: `config.sectionSlugs[section]` when configured, else its pinyin
 * without tones (要闻 → `yaowen`, 体育 NBA → `tiyu-nba`). Never `all` (the all-sections feed):
 * a transliteration that comes out as `all` gets `-section`; a configured `all` is a
 * `ConfigError`. Pinyin of polyphonic characters depends on the pinyin-pro version and two
 * sections can share a pinyin (homophones): publishing stores the slug it chose with the page,
 * and an override in config settles a clash.
 */
export const sectionSlug = (section: string, config: SiteConfig): string => {
  const configured = config.sectionSlugs[section];
  if (configured !== undefined) {
    if (configured === allSectionsSlug) {
      throw new ConfigError(`section slug of ${section} must not be "${allSectionsSlug}"`);
    }
    return configured;
  }
  const name = section.normalize('NFKC');
  const syllables = pinyin(name, { toneType: 'none', type: 'array' });
  let slug = syllables
    .join('')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxSlugLength)
    .replace(/-+$/, '');
  if (slug === '') slug = `s-${fnv1a(name)}`;
  if (slug === allSectionsSlug) slug = `${allSectionsSlug}-section`;
  return slug;
};

/** The all-sections feed: every item of every page. */
export const allSectionsSpec = (config: SiteConfig): FeedSpec => ({
  slug: allSectionsSlug,
  title: `${config.title} · 全部版面`,
});

/** One section's feed. */
export const sectionSpec = (section: string, config: SiteConfig): FeedSpec => ({
  slug: sectionSlug(section, config),
  title: `${config.title} · ${section}`,
  section,
});
