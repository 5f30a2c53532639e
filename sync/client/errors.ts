/**
 * How sync names a failure for the indicator (status.ts): a full disk, an expired
 * sign-in, an unreachable server, or the server's own error — however Dexie, RxDB or the
 * HTTP client wrapped it.
 */
import { ApiRequestError, isAuthError, NetworkError } from './api';
import type { SyncErrorInfo } from './status';

/**
 * An error followed by every error it wraps: Dexie's `inner`, RxDB's `parameters.error`
 * and `parameters.errors`, a Dexie BulkError's `failures`, and `cause`.
 */
export function errorChain(error: unknown): unknown[] {
  const found = new Set<unknown>();
  const queue = [error];
  // Bounded: a wrapper pointing back at itself, or a huge bulk failure, ends the walk.
  while (queue.length > 0 && found.size < 100) {
    const next = queue.shift();
    if (next === null || next === undefined || found.has(next)) continue;
    found.add(next);
    if (typeof next !== 'object') continue;
    const e = next as {
      inner?: unknown;
      cause?: unknown;
      failures?: unknown;
      parameters?: { error?: unknown; errors?: unknown };
    };
    queue.push(e.inner, e.cause, e.parameters?.error);
    for (const list of [e.failures, e.parameters?.errors]) {
      if (Array.isArray(list)) queue.push(...(list as unknown[]));
      else if (list && typeof list === 'object') queue.push(...Object.values(list));
    }
  }
  return [...found];
}

/** The disk or the origin's storage quota is full: a QuotaExceededError, however wrapped. */
export function isQuotaError(error: unknown): boolean {
  return errorChain(error).some((e) => {
    const name = e && typeof e === 'object' ? (e as { name?: unknown }).name : undefined;
    // Firefox's older name for the same condition.
    return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
  });
}

export function describeError(error: unknown): SyncErrorInfo {
  if (isQuotaError(error)) {
    return { kind: 'storage', message: "This device's storage is full: changes cannot be stored." };
  }
  if (isAuthError(error) || (error instanceof Error && error.message === '401')) {
    return { kind: 'auth', message: 'Your sign-in has expired. Sign in again to resume sync.' };
  }
  if (error instanceof ApiRequestError && error.code === 'update_required') {
    return { kind: 'update', message: error.message };
  }
  if (error instanceof NetworkError || error instanceof TypeError) {
    return { kind: 'network', message: 'The server cannot be reached.' };
  }
  return { kind: 'server', message: error instanceof Error ? error.message : String(error) };
}
