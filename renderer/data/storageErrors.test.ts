/**
 * Which errors from opening the local database mean its data is unusable (so it is
 * rebuilt from the server), and which do not: a full disk, a missing IndexedDB, a bug.
 * The errors are the real ones: RxDB's, Dexie's, WebCrypto's.
 */
import { Dexie } from 'dexie';
import { newRxError } from 'rxdb';
import { describe, expect, it } from 'vitest';
import { decryptValue, encryptValue, importKey, newRawKey } from './encryption';
import { unusableReason } from './storageErrors';

const dom = (name: string) => new DOMException(`${name} happened`, name);

async function decryptionError(): Promise<unknown> {
  const sealed = await encryptValue(await importKey(newRawKey()), 'Anna de Vries');
  return decryptValue(await importKey(newRawKey()), sealed).then(
    () => null,
    (error: unknown) => error,
  );
}

describe('unusableReason', () => {
  it('takes another schema under the same name, or a migration that cannot finish, for a foreign database', () => {
    for (const code of ['DB6', 'DM2', 'DM4', 'DM5'] as const) {
      expect(unusableReason(newRxError(code, {} as never)), code).toBe('foreign');
    }
  });

  it('takes values this laptop’s key does not open for undecryptable data', async () => {
    const error = await decryptionError();
    expect(error).not.toBeNull();
    expect(unusableReason(error)).toBe('undecryptable');
    expect(unusableReason(dom('InvalidCharacterError'))).toBe('undecryptable');
  });

  it('takes stores IndexedDB cannot open or read for damaged data, however Dexie wraps it', () => {
    const damaged = [
      new Dexie.OpenFailedError('open failed', dom('UnknownError')),
      new Dexie.DatabaseClosedError(new Dexie.OpenFailedError(dom('VersionError'))),
      new Dexie.UpgradeError('upgrade failed'),
      new Dexie.InvalidTableError('Table docs does not exist'),
      dom('NotFoundError'),
      dom('NotReadableError'),
      dom('DataError'),
    ];
    for (const error of damaged) expect(unusableReason(error), String(error)).toBe('damaged');
  });

  it('never takes a full disk, a missing IndexedDB, a closed database alone or a bug for unusable data', () => {
    const usable = [
      new Dexie.OpenFailedError('open failed', dom('QuotaExceededError')),
      newRxError('DB12', { error: dom('QuotaExceededError') } as never),
      new Dexie.MissingAPIError(),
      new Dexie.DatabaseClosedError(),
      new Dexie.AbortError('Transaction aborted'),
      newRxError('DB8', {} as never),
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      new Error('That passphrase does not open this laptop’s data.'),
      null,
    ];
    for (const error of usable) expect(unusableReason(error), String(error)).toBeNull();
  });
});
