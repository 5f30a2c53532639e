/**
 * Field-level merge of a conflict (DESIGN.md invariant 4).
 *
 * A device pushed `local` assuming the server held `assumed`; the server holds `real`.
 * Each field is merged against `assumed`: a field only one side changed keeps that
 * change; a field both changed to different values goes to the later `updatedAt` (equal
 * times: the larger value, so every device picks the same). Maps (a group's metadata)
 * merge key by key. A deletion wins over an edit. Every value that loses is returned,
 * so the device can log it and offer it back.
 */
import { stableStringify, toWireDocument } from './documents';
import { tombstoneOf } from './tombstone';

/** A synced document on the wire: the entity's fields, its times and the deletion flag. */
export type SyncDocument = {
  id: string;
  createdAt: number;
  updatedAt: number;
  _deleted: boolean;
  [field: string]: unknown;
};

export type MergeInput = {
  /** The server state the device started from; absent when the device created the document. */
  assumed: SyncDocument | null | undefined;
  real: SyncDocument;
  local: SyncDocument;
};

/** Which side a lost value came from: this device's change, or one the server already had. */
export type Side = 'local' | 'remote';

export type LostChange =
  /** One field: `lost` gave way to `kept`. `field` is a path: `name`, `metadata.room`. */
  | { kind: 'field'; side: Side; field: string; lost: unknown; kept: unknown }
  /** A whole edited document gave way to a deletion. */
  | { kind: 'deleted'; side: Side; lost: SyncDocument };

export type MergeResult = { merged: SyncDocument; lost: LostChange[] };

/** Fields every document has, which the merge sets itself. */
const OWN_FIELDS = new Set(['id', 'createdAt', 'updatedAt', '_deleted']);

export function mergeDocuments(input: MergeInput): MergeResult {
  const real = toWireDocument(input.real) as SyncDocument;
  const local = toWireDocument(input.local) as SyncDocument;
  const assumed = input.assumed ? (toWireDocument(input.assumed) as SyncDocument) : null;
  if (same(real, local)) return { merged: real, lost: [] };

  if (real._deleted || local._deleted) return mergeDeletion(assumed, real, local);

  const localWins = laterSide(local, real) === 'local';
  const lost: LostChange[] = [];
  const merged: SyncDocument = {
    ...mergeFields(assumed, real, local, localWins, '', lost),
    id: real.id,
    createdAt: Math.min(real.createdAt, local.createdAt),
    updatedAt: Math.max(real.updatedAt, local.updatedAt),
    _deleted: false,
  };
  // Nothing of the device's change survives: the server's state is the answer as it is.
  if (sameFields(merged, real)) return { merged: real, lost };
  return { merged, lost };
}

function mergeDeletion(assumed: SyncDocument | null, real: SyncDocument, local: SyncDocument): MergeResult {
  if (real._deleted && local._deleted) return { merged: real, lost: [] };
  if (real._deleted) {
    // This device edited (or created) what another deleted: the deletion stands.
    return {
      merged: real,
      lost: changedSince(assumed, local) ? [{ kind: 'deleted', side: 'local', lost: local }] : [],
    };
  }
  // This device deleted what another edited: the deletion stands (erasing the content), the other edit is logged.
  const merged: SyncDocument = tombstoneOf({
    ...real,
    updatedAt: Math.max(real.updatedAt, local.updatedAt),
  });
  return {
    merged,
    lost: changedSince(assumed, real) ? [{ kind: 'deleted', side: 'remote', lost: real }] : [],
  };
}

function mergeFields(
  assumed: Record<string, unknown> | null,
  real: Record<string, unknown>,
  local: Record<string, unknown>,
  localWins: boolean,
  prefix: string,
  lost: LostChange[],
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const keys = new Set([...Object.keys(real), ...Object.keys(local)]);
  for (const key of [...keys].sort()) {
    if (!prefix && OWN_FIELDS.has(key)) continue;
    const r = real[key];
    const l = local[key];
    const a = assumed?.[key];
    let value: unknown;
    if (same(l, r)) value = r;
    else if (assumed && same(l, a)) value = r;
    else if (assumed && same(r, a)) value = l;
    else if (isMap(l) && isMap(r)) {
      value = mergeFields(isMap(a) ? a : null, r, l, localWins, `${prefix}${key}.`, lost);
    } else {
      // Both sides changed this field (or both created the document): the later write wins.
      value = localWins ? l : r;
      const loser = localWins ? r : l;
      // An absent optional field (no end date yet) is no value to lose.
      if (loser !== undefined)
        lost.push({
          kind: 'field',
          side: localWins ? 'remote' : 'local',
          field: `${prefix}${key}`,
          lost: loser,
          kept: value,
        });
    }
    if (value !== undefined) result[key] = value;
  }
  return result;
}

/** The side whose write is later; on equal times the larger state, the same on every device. */
function laterSide(local: SyncDocument, real: SyncDocument): Side {
  if (local.updatedAt !== real.updatedAt) return local.updatedAt > real.updatedAt ? 'local' : 'remote';
  return stableStringify(local) > stableStringify(real) ? 'local' : 'remote';
}

/** Whether `doc` differs from `assumed` in any field (a document created here always does). */
function changedSince(assumed: SyncDocument | null, doc: SyncDocument): boolean {
  if (!assumed || assumed._deleted) return true;
  return !sameFields(assumed, doc);
}

function sameFields(a: SyncDocument, b: SyncDocument): boolean {
  const strip = ({ updatedAt, createdAt, ...rest }: SyncDocument) => {
    void updatedAt;
    void createdAt;
    return rest;
  };
  return same(strip(a), strip(b));
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return stableStringify(a) === stableStringify(b);
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
