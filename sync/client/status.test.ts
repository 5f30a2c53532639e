import { describe, expect, it } from 'vitest';
import { syncPhase, type SyncFacts } from './status';

const base: SyncFacts = { online: true, active: false, pending: 0, lastSyncedAt: 1, error: null };

describe('sync phase', () => {
  it('tells offline, syncing, waiting, synced and error apart', () => {
    expect(syncPhase({ ...base, online: false, pending: 2 })).toBe('offline');
    expect(syncPhase({ ...base, error: { kind: 'network', message: '' } })).toBe('offline');
    expect(syncPhase({ ...base, active: true })).toBe('syncing');
    expect(syncPhase({ ...base, lastSyncedAt: null })).toBe('syncing');
    expect(syncPhase({ ...base, pending: 1 })).toBe('waiting');
    expect(syncPhase(base)).toBe('synced');
    expect(syncPhase({ ...base, error: { kind: 'server', message: 'boom' } })).toBe('error');
    // An expired sign-in is an error even while offline: only the user can fix it.
    expect(syncPhase({ ...base, online: false, error: { kind: 'auth', message: '' } })).toBe('error');
  });
});
