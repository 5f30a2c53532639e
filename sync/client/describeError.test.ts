/**
 * How sync names a failure: a full disk is a `storage` error however Dexie or RxDB wrap
 * it (Dexie's `inner`, RxDB's `parameters`, a BulkError's `failures`, `cause`), and
 * nothing else is taken for one.
 */
import { Dexie } from 'dexie';
import { newRxError } from 'rxdb';
import { describe, expect, it } from 'vitest';
import { NetworkError } from './api';
import { describeError, errorChain, isQuotaError } from './errors';

const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

describe('quota errors', () => {
  it('are found however they are wrapped', () => {
    const wrapped = {
      'the DOMException itself': quota(),
      'Dexie’s own QuotaExceededError': new Dexie.QuotaExceededError(quota()),
      'a Dexie abort around it': new Dexie.AbortError('Transaction aborted', quota()),
      'a Dexie BulkError': new Dexie.BulkError('bulkPut failed', { 0: quota() }),
      'RxDB’s parameters.error': newRxError('DB12', { error: quota() } as never),
      'a flattened handler error': newRxError('RC_PUSH', {
        errors: [{ name: 'QuotaExceededError' }],
      } as never),
      'an Error cause': new Error('write failed', { cause: new Dexie.DatabaseClosedError(quota()) }),
      'Firefox’s older name': { name: 'NS_ERROR_DOM_QUOTA_REACHED' },
    };
    for (const [what, error] of Object.entries(wrapped)) {
      expect(isQuotaError(error), what).toBe(true);
      expect(describeError(error), what).toMatchObject({ kind: 'storage' });
    }
  });

  it('are not confused with other failures', () => {
    const others = [
      new Dexie.OpenFailedError('open failed', new DOMException('Internal error', 'UnknownError')),
      newRxError('DB6', {} as never),
      new TypeError('Failed to fetch'),
      new Error('The quota has been exceeded.'),
      'QuotaExceededError',
      null,
      undefined,
    ];
    for (const error of others) expect(isQuotaError(error), String(error)).toBe(false);
  });

  it('leave the other kinds as they were', () => {
    expect(describeError(new NetworkError('offline'))).toMatchObject({ kind: 'network' });
    expect(describeError(new Error('401'))).toMatchObject({ kind: 'auth' });
    expect(describeError(new Error('boom'))).toEqual({ kind: 'server', message: 'boom' });
  });
});

describe('errorChain', () => {
  it('ends on a wrapper that points back at itself', () => {
    const loop: { name: string; inner?: unknown } = { name: 'AbortError' };
    loop.inner = { name: 'DataError', cause: loop };
    expect(errorChain(loop)).toHaveLength(2);
  });
});
