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
