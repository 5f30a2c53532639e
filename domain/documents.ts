/** Helpers for synced documents: the wire shape is the entity plus RxDB's `_deleted`. */

export type WithDeleted<T> = T & { _deleted: boolean };

/** JSON with object keys sorted, so equal documents give equal strings. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const source = value as Record<string, unknown>;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(source).sort()) {
      if (source[key] !== undefined) sorted[key] = sortKeys(source[key]);
    }
    return sorted;
  }
  return value;
}

/** Drops RxDB's storage-only fields (`_rev`, `_meta`, `_attachments`) and keeps `_deleted`. */
export function toWireDocument<T extends object>(
  doc: T,
): WithDeleted<Omit<T, '_rev' | '_meta' | '_attachments'>> {
  const { _rev, _meta, _attachments, ...rest } = doc as T & {
    _rev?: unknown;
    _meta?: unknown;
    _attachments?: unknown;
  };
  void _rev;
  void _meta;
  void _attachments;
  const withDeleted = rest as WithDeleted<Omit<T, '_rev' | '_meta' | '_attachments'>>;
  return { ...withDeleted, _deleted: withDeleted._deleted === true };
}

/** Two wire documents are the same state when every field and the deletion flag agree. */
export function sameDocumentState(a: object | null | undefined, b: object | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return stableStringify(toWireDocument(a)) === stableStringify(toWireDocument(b));
}

/** A short, stable hash of a string (FNV-1a, 32 bits, base 36): for names and keys, not security. */
export function stableHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}
