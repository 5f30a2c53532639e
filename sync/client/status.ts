/** What the sync indicator shows, derived from the replication's facts. */
export type SyncPhase = 'offline' | 'syncing' | 'synced' | 'waiting' | 'error';

export type SyncFacts = {
  online: boolean;
  /** A pull or push is running. */
  active: boolean;
  /** Local changes the server has not taken yet. */
  pending: number;
  /** When the device last finished a sync cycle with nothing left to do. */
  lastSyncedAt: number | null;
  /** Why the last attempt failed, when it did; cleared by the next success. */
  error: SyncErrorInfo | null;
};

/**
 * `storage`: this device's disk or storage quota is full, so what sync brings cannot be
 * stored. `update`: the server speaks a newer sync protocol than this app (PROTOCOL_VERSION).
 */
export type SyncErrorInfo = { kind: 'network' | 'auth' | 'server' | 'storage' | 'update'; message: string };

export type SyncStatus = SyncFacts & { phase: SyncPhase };

export function syncPhase(facts: SyncFacts): SyncPhase {
  if (facts.error?.kind === 'auth') return 'error';
  if (!facts.online || facts.error?.kind === 'network') return 'offline';
  if (facts.error) return 'error';
  if (facts.active) return 'syncing';
  if (facts.pending > 0) return 'waiting';
  return facts.lastSyncedAt === null ? 'syncing' : 'synced';
}
