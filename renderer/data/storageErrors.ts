/**
 * What an error from the local database means: the local data is unusable (and can be
 * rebuilt from the server), or the disk is full (and nothing may be deleted for it),
 * or neither (a bug, a missing IndexedDB: shown as it is, with a retry).
 */
import { errorChain, isQuotaError } from '../../sync/client/errors';

export { isQuotaError };

/**
 * Why the local data is unusable: `foreign` — a database of the same name made with
 * another schema (another app, another version of Cohort: RxDB's DB6, or a migration
 * that cannot finish); `undecryptable` — stored values this laptop's key does not open;
 * `damaged` — IndexedDB or Dexie cannot open or read the stores.
 */
export type UnusableReason = 'foreign' | 'undecryptable' | 'damaged';

/** RxDB: another schema under the same name (DB6); a schema migration that failed or cannot run (DM2, DM4, DM5). */
const FOREIGN_CODES = new Set(['DB6', 'DM2', 'DM4', 'DM5']);

/** WebCrypto's AES-GCM refusing a value (wrong key, altered ciphertext); atob refusing one that is not base64. */
const UNDECRYPTABLE_NAMES = new Set(['OperationError', 'InvalidCharacterError']);

/**
 * IndexedDB and Dexie failing on the stores themselves. Not here: DatabaseClosedError,
 * AbortError and InvalidStateError, which wrap or follow another error (their `inner`
 * decides), and MissingAPIError (no IndexedDB at all: deleting cannot help).
 */
const DAMAGED_NAMES = new Set([
  'OpenFailedError',
  'UpgradeError',
  'VersionError',
  'SchemaError',
  'InvalidTableError',
  'NotFoundError',
  'UnknownError',
  'DataError',
  'NotReadableError',
  'DataCloneError',
]);

function field(error: unknown, key: 'code' | 'name'): unknown {
  return error && typeof error === 'object' ? (error as Record<string, unknown>)[key] : undefined;
}

/**
 * Whether `error`, thrown while opening the local database, means its data cannot be
 * used; null when it does not (a full disk among them: deleting data does not make
 * room for data, and the fresh database would fail the same way).
 */
export function unusableReason(error: unknown): UnusableReason | null {
  if (isQuotaError(error)) return null;
  const chain = errorChain(error);
  if (chain.some((e) => FOREIGN_CODES.has(String(field(e, 'code'))))) return 'foreign';
  if (chain.some((e) => UNDECRYPTABLE_NAMES.has(String(field(e, 'name'))))) return 'undecryptable';
  if (chain.some((e) => DAMAGED_NAMES.has(String(field(e, 'name'))))) return 'damaged';
  return null;
}
