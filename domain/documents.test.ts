import { describe, expect, it } from 'vitest';
import { sameDocumentState, stableStringify, toWireDocument } from './documents';

describe('synced documents', () => {
  it('stringifies objects independent of key order', () => {
    expect(stableStringify({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: 2 } })).toBe(
      stableStringify({ a: { c: 2, d: [1, { e: 3, f: 2 }] }, b: 1 }),
    );
  });

  it('strips storage fields and always carries _deleted', () => {
    expect(toWireDocument({ id: 'a', _rev: '1-x', _meta: { lwt: 1 }, _attachments: {} })).toEqual({
      id: 'a',
      _deleted: false,
    });
  });

  it('compares states by fields and deletion, ignoring storage metadata', () => {
    const a = { id: 'a', name: 'N', metadata: { x: '1', y: '2' }, _deleted: false };
    expect(sameDocumentState(a, { ...a, metadata: { y: '2', x: '1' }, _rev: '3-z' })).toBe(true);
    expect(sameDocumentState(a, { ...a, _deleted: true })).toBe(false);
    expect(sameDocumentState(a, { ...a, name: 'M' })).toBe(false);
    expect(sameDocumentState(null, undefined)).toBe(true);
    expect(sameDocumentState(a, null)).toBe(false);
  });
});
