/** Case- and accent-insensitive search: every word of the term appears in one of the fields. */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

export function matchesSearch(fields: (string | undefined)[], term: string): boolean {
  const words = foldText(term).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = fields.map((f) => foldText(f ?? '')).join('\n');
  return words.every((w) => haystack.includes(w));
}

/**
 * A search over many records: fold each record's text once, at the first term with a word
 * in it (a list shown unsearched does not wait for it: 10,000 groups at every start), then
 * each term is a cheap scan. With `limit`, the scan stops at that many matches.
 */
export function buildSearchIndex<T>(
  items: T[],
  fields: (item: T) => (string | undefined)[],
): (term: string, limit?: number) => T[] {
  let folded: string[] | null = null;
  return (term, limit = Infinity) => {
    const words = foldText(term).split(/\s+/).filter(Boolean);
    if (words.length === 0) return limit < items.length ? items.slice(0, limit) : items;
    folded ??= items.map((item) => foldText(fields(item).filter(Boolean).join('\n')));
    const out: T[] = [];
    for (let i = 0; i < items.length && out.length < limit; i++) {
      const text = folded[i] as string;
      if (words.every((w) => text.includes(w))) out.push(items[i] as T);
    }
    return out;
  };
}
