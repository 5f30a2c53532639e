/**
 * A sign-out that cannot reach its server still ends its token there, later: the token is
 * kept (sealed like the session, in the desktop app) and revoked at the next connection —
 * when the app starts, and after the next sign-in.
 */
import { ApiRequestError, createApiClient } from '../../sync/client/api';

type Pending = { serverUrl: string; token: string };

/** Where the tokens wait: main's secret store in the desktop app, localStorage in a browser. */
export type RevocationStore = { load(): Promise<string | null>; save(text: string | null): Promise<void> };

const SLOT = 'cohort.revocations';

export function revocationStore(): RevocationStore {
  const bridge = window.cohort;
  if (bridge) {
    return {
      load: () => bridge.revocations.load(),
      save: async (text) => void (await bridge.revocations.save(text)),
    };
  }
  return {
    load: async () => localStorage.getItem(SLOT),
    save: async (text) => (text === null ? localStorage.removeItem(SLOT) : localStorage.setItem(SLOT, text)),
  };
}

async function read(store: RevocationStore): Promise<Pending[]> {
  try {
    const list = JSON.parse((await store.load()) ?? '[]') as unknown;
    return Array.isArray(list)
      ? list.filter((p): p is Pending => typeof p?.serverUrl === 'string' && typeof p?.token === 'string')
      : [];
  } catch {
    return [];
  }
}

const write = (store: RevocationStore, pending: Pending[]) =>
  store.save(pending.length === 0 ? null : JSON.stringify(pending));

/** Keeps `token` to revoke on `serverUrl` at the next connection. */
export async function revokeLater(store: RevocationStore, serverUrl: string, token: string): Promise<void> {
  const pending = await read(store);
  if (!pending.some((p) => p.token === token)) await write(store, [...pending, { serverUrl, token }]);
}

/**
 * Revokes what waits; keeps what the server could not be asked about (offline, an error
 * of its own). Resolves with how many still wait.
 */
export async function revokePending(store: RevocationStore, fetchImpl?: typeof fetch): Promise<number> {
  const pending = await read(store);
  if (pending.length === 0) return 0;
  const still: Pending[] = [];
  for (const item of pending) {
    try {
      await createApiClient({ ...item, ...(fetchImpl ? { fetch: fetchImpl } : {}) }).logout();
    } catch (error) {
      // 401: already over (expired, revoked elsewhere). Anything else: try again next time.
      if (!(error instanceof ApiRequestError && error.status === 401)) still.push(item);
    }
  }
  await write(store, still);
  return still.length;
}
