import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/errors.ts';
import { allSectionsSpec, sectionSlug, sectionSpec } from '../../shared/feeds/feed-spec.ts';
import { testConfig } from './feed-fixtures.ts';

describe('feed specs', () => {
  const config = testConfig();

  it('slugs a section as toneless pinyin in lowercase ASCII', () => {
    expect(sectionSlug('要闻', config)).toBe('yaowen');
    expect(sectionSlug('综合', config)).toBe('zonghe');
    expect(sectionSlug('体育 NBA', config)).toBe('tiyu-nba');
    expect(sectionSlug('A版·时政', config)).toBe('aban-shizheng');
    expect(sectionSlug('Ⅱ 专版', config)).toBe('ii-zhuanban');
  });

  it('always gives a slug the config schema accepts, and the same one every time', () => {
    for (const section of ['要闻', '★', '衢州'.repeat(30), '!!!', '全部', 'all']) {
      const slug = sectionSlug(section, config);
      expect(slug, section).toMatch(/^[a-z0-9][a-z0-9-]{0,40}$/);
      expect(slug, section).not.toBe('all');
      expect(sectionSlug(section, config)).toBe(slug);
    }
    expect(sectionSlug('★', config)).not.toBe(sectionSlug('☆', config));
  });

  it('uses the configured slug of a section', () => {
    const custom = testConfig({ sectionSlugs: { 要闻: 'news', 长三角: 'yangtze-delta' } });
    expect(sectionSlug('要闻', custom)).toBe('news');
    expect(sectionSlug('长三角', custom)).toBe('yangtze-delta');
    expect(sectionSlug('综合', custom)).toBe('zonghe');
  });

  it('refuses a configured slug that would take the all-sections feed', () => {
    const clash = testConfig({ sectionSlugs: { 要闻: 'all' } });
    expect(() => sectionSlug('要闻', clash)).toThrow(ConfigError);
  });

  it('titles feeds in Chinese and selects by section', () => {
    expect(allSectionsSpec(config)).toEqual({ slug: 'all', title: '衢州日报 · 全部版面' });
    expect(sectionSpec('要闻', config)).toEqual({
      slug: 'yaowen',
      title: '衢州日报 · 要闻',
      section: '要闻',
    });
  });
});
