/**
 * What signing out clears of the window's browser session, besides the secrets: the HTTP
 * cache (the server says no-store, and the client asks for it too — this is for anything
 * an older version or a proxy let through), compiled code, cookies, service workers and
 * cache storage. Not IndexedDB and localStorage: the renderer deletes the signed-out
 * account's database and notes itself, and another account's database on this laptop —
 * with changes it has not sent yet — is not this sign-out's to delete. Runs in: main.
 */
import type { Session } from 'electron';

export type BrowsingSession = Pick<Session, 'clearCache' | 'clearCodeCaches' | 'clearStorageData'>;

export const CLEARED_STORAGES = [
  'cookies',
  'filesystem',
  'shadercache',
  'serviceworkers',
  'cachestorage',
] as const;

export async function clearBrowsingData(session: BrowsingSession): Promise<void> {
  await session.clearCache();
  await session.clearCodeCaches({});
  await session.clearStorageData({ storages: [...CLEARED_STORAGES] });
}
