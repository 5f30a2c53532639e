import { describe, expect, it } from 'vitest';
import { clearBrowsingData, type BrowsingSession } from './browsingData';

describe('browsing data on sign-out', () => {
  it('clears the HTTP cache, code caches and storages other than the app’s own databases', async () => {
    const calls: unknown[] = [];
    const session: BrowsingSession = {
      clearCache: async () => void calls.push('cache'),
      clearCodeCaches: async (options) => void calls.push(['code', options]),
      clearStorageData: async (options) => void calls.push(['storage', options]),
    };
    await clearBrowsingData(session);
    expect(calls).toEqual([
      'cache',
      ['code', {}],
      ['storage', { storages: ['cookies', 'filesystem', 'shadercache', 'serviceworkers', 'cachestorage'] }],
    ]);
  });
});
