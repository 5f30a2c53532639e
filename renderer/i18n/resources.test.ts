/** Every language has every key, no empty text, and the plural forms its grammar needs. */
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import en from './en.json';
import nl from './nl.json';
import ro from './ro.json';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

/** Keys without their plural suffix, so "count_one"/"count_few" both become "count". */
const base = (key: string) => key.replace(/_(zero|one|two|few|many|other)$/, '');
const pluralForms = (lang: string) => new Intl.PluralRules(lang).resolvedOptions().pluralCategories;

describe('translations', () => {
  const languages = { en, nl, ro } as Record<string, Tree>;
  const english = flatten(en as Tree);
  const englishBases = new Set([...english.keys()].map(base));

  for (const [lang, tree] of Object.entries(languages)) {
    it(`${lang}: has every key English has, no others, and no empty text`, () => {
      const keys = flatten(tree);
      expect(new Set([...keys.keys()].map(base))).toEqual(englishBases);
      for (const [key, value] of keys) expect(value.trim(), key).not.toBe('');
    });

    it(`${lang}: gives every plural key each form the language uses`, () => {
      const keys = flatten(tree);
      const plurals = new Set([...english.keys()].filter((k) => /_(one|other)$/.test(k)).map(base));
      for (const key of plurals) {
        for (const form of pluralForms(lang)) expect(keys.has(`${key}_${form}`), `${key}_${form}`).toBe(true);
      }
    });

    it(`${lang}: keeps the same {{placeholders}} as English`, () => {
      const keys = flatten(tree);
      for (const [key, value] of keys) {
        const englishText = english.get(key) ?? english.get(`${base(key)}_other`) ?? '';
        // The name and its format: `{{count, number}}` → `count, number`.
        const names = (text: string) =>
          [...text.matchAll(/\{\{(\w+(?:, *\w+)?)\}\}/g)].map((m) => m[1]?.replace(/, */, ', ')).sort();
        expect(names(value), key).toEqual(names(englishText));
      }
    });
  }

  it('writes counts with the language’s digit grouping', async () => {
    const i18n = i18next.createInstance();
    await i18n.init({ resources: { en: { translation: en }, nl: { translation: nl } }, lng: 'en' });
    expect(i18n.t('groups.count', { count: 10004 })).toBe('10,004 groups');
    expect(i18n.t('groups.count', { count: 1 })).toBe('1 group');
    expect(i18n.t('groups.count', { count: 10004, lng: 'nl' })).toBe('10.004 groepen');
    // Every count in every language goes through the number format.
    for (const tree of Object.values(languages)) {
      for (const [key, value] of flatten(tree))
        expect(value, key).not.toMatch(/\{\{(count|active|max|page|pages)\}\}/);
    }
  });

  it('Romanian uses one / few / other', () => {
    expect(pluralForms('ro')).toEqual(['few', 'one', 'other']);
  });
});
