import { describe, expect, it } from 'vitest';
import { buildSearchIndex, matchesSearch } from './search';

describe('search', () => {
  it('matches every word, in any field, ignoring case and accents', () => {
    expect(matchesSearch(['Zoë Quartermain', 'zq@example.test'], 'zoe quart')).toBe(true);
    expect(matchesSearch(['Grief support circle', 'Open group'], 'OPEN grief')).toBe(true);
    expect(matchesSearch(['Grief support circle'], 'grief yoga')).toBe(false);
    expect(matchesSearch(['anything'], '   ')).toBe(true);
  });

  it('an index answers like matchesSearch, in the items’ order', () => {
    const items = [
      { name: 'Ștefan Ionescu', email: 'stefan@example.ro' },
      { name: 'Anna de Vries', email: 'anna@example.nl' },
      { name: 'Annelies Bakker', email: undefined },
    ];
    const search = buildSearchIndex(items, (c) => [c.name, c.email]);
    expect(search('ann').map((c) => c.name)).toEqual(['Anna de Vries', 'Annelies Bakker']);
    expect(search('stefan').map((c) => c.name)).toEqual(['Ștefan Ionescu']);
    expect(search('example.nl')).toHaveLength(1);
    expect(search('')).toBe(items);
    for (const term of ['a', 'de v', 'ro', 'xyz', 'ANNA']) {
      expect(search(term)).toEqual(items.filter((c) => matchesSearch([c.name, c.email], term)));
    }
  });

  it('stops at a limit, keeping the first matches in order', () => {
    const items = Array.from({ length: 10 }, (_, i) => ({ name: `Client ${i}` }));
    const search = buildSearchIndex(items, (c) => [c.name]);
    expect(search('client', 3).map((c) => c.name)).toEqual(['Client 0', 'Client 1', 'Client 2']);
    expect(search('', 2)).toEqual(items.slice(0, 2));
    expect(search('client 7', 3).map((c) => c.name)).toEqual(['Client 7']);
    expect(search('client')).toHaveLength(10);
  });
});
