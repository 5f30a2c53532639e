/**
 * Pull and push against the database, for any collection in COLLECTIONS.
 *
 * Invariant 1 (a pull never skips a change): every write of an organisation takes
 * `pg_advisory_xact_lock(organisation)` before it draws its `seq`, so inside one
 * organisation a later `seq` always commits later. A pull (`seq > checkpoint`) thus
 * never sees seq N+1 while N is still uncommitted.
 */
import { sameDocumentState } from '../../domain/documents';
import { can, writeKind } from '../../domain/permissions';
import { tombstoneOf } from '../../domain/tombstone';
import type { Checkpoint, PushResponse, PushRow, Rejection, SyncCollection } from '../protocol';
import {
  COLLECTIONS,
  columnList,
  withoutNulls,
  contentColumns,
  documentValues,
  rowToDocument,
  type CollectionSpec,
  type WireDocument,
} from './collections';
import { toNumber, type Database, type Row, type Sql } from './storage/database';

export type Actor = { organizationId: string; permissions: readonly string[] };

export async function pullChanges(
  db: Database,
  spec: CollectionSpec,
  organizationId: string,
  checkpoint: Checkpoint | null,
  limit: number,
): Promise<{ documents: WireDocument[]; checkpoint: Checkpoint | null }> {
  const rows = await db.query(
    `SELECT ${columnList(spec)}, deleted, seq FROM ${spec.table}
     WHERE organization_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    [organizationId, checkpoint?.seq ?? 0, limit],
  );
  const last = rows.at(-1);
  return {
    documents: rows.map((row) => rowToDocument(spec, row)),
    checkpoint: last ? { seq: toNumber(last.seq) } : checkpoint,
  };
}

/** Locks the organisation's write order for the rest of the transaction. */
export async function lockOrganization(tx: Sql, organizationId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [organizationId]);
}

export async function writeDocument(
  tx: Sql,
  spec: CollectionSpec,
  organizationId: string,
  doc: WireDocument,
): Promise<number> {
  const columns = spec.columns.map((c) => c.column);
  const values = documentValues(spec, doc);
  const placeholders = columns.map((_, i) => `$${i + 2}`).join(', ');
  const updates = columns
    .filter((c) => c !== 'id')
    .map((c) => `${c} = EXCLUDED.${c}`)
    .join(', ');
  const rows = await tx.query<{ seq: unknown }>(
    `INSERT INTO ${spec.table} (organization_id, ${columns.join(', ')}, deleted, seq)
     VALUES ($1, ${placeholders}, $${columns.length + 2}, nextval('change_seq'))
     ON CONFLICT (organization_id, id) DO UPDATE SET ${updates}, deleted = EXCLUDED.deleted, seq = EXCLUDED.seq
     RETURNING seq`,
    [organizationId, ...values, doc._deleted],
  );
  return toNumber(rows[0]?.seq);
}

/**
 * Applies a push. Each row is written only when its assumed master state is the
 * server's state (invariant 2), the document is valid and the actor may make that
 * write; otherwise the server's state comes back as a conflict, with a rejection
 * reason when the server refused it (invariant 3).
 */
export async function pushChanges(
  db: Database,
  spec: CollectionSpec,
  actor: Actor,
  rows: PushRow<Record<string, unknown>>[],
): Promise<PushResponse<WireDocument> & { changed: Map<SyncCollection, Checkpoint> }> {
  return db.transaction(async (tx) => {
    await lockOrganization(tx, actor.organizationId);
    const ids = [...new Set(rows.map((r) => String(r.newDocumentState.id)))];
    const current = await currentDocuments(tx, spec, actor.organizationId, ids);
    const conflicts: WireDocument[] = [];
    const rejections: Rejection[] = [];
    const changed: Changes = new Map();
    for (const row of rows) {
      const incoming = withoutNulls(spec, row.newDocumentState);
      const assumed = row.assumedMasterState && withoutNulls(spec, row.assumedMasterState);
      const id = String(incoming.id);
      const master = current.get(id);
      if (!sameDocumentState(master, assumed)) {
        conflicts.push(master ?? tombstoneFor(incoming));
        continue;
      }
      const applied = await applyWrite(tx, spec, actor, master, incoming, changed);
      if ('refusal' in applied) {
        conflicts.push(master ?? tombstoneFor(incoming));
        rejections.push({ id, ...applied.refusal });
        continue;
      }
      current.set(id, applied.doc);
    }
    return { conflicts, rejections, changed };
  });
}

/** Per collection written, the checkpoint of its last write: what the change stream announces. */
type Changes = Map<SyncCollection, Checkpoint>;

function noteWrite(changed: Changes, collection: SyncCollection, seq: number): void {
  changed.set(collection, { seq: Math.max(seq, changed.get(collection)?.seq ?? 0) });
}

/** The stored states (deleted ones too) of `ids`. */
async function currentDocuments(
  tx: Sql,
  spec: CollectionSpec,
  organizationId: string,
  ids: string[],
): Promise<Map<string, WireDocument>> {
  const rows = await tx.query<Row>(
    `SELECT ${columnList(spec)}, deleted FROM ${spec.table} WHERE organization_id = $1 AND id = ANY($2::text[])`,
    [organizationId, ids],
  );
  return new Map(rows.map((row) => [String(row.id), rowToDocument(spec, row)]));
}

/**
 * One write with a push's rules — permission for its kind, the domain's validation,
 * references that must exist — then the write itself and the cascades of a deletion.
 * Returns the written document, or why the server refuses it (nothing written).
 */
async function applyWrite(
  tx: Sql,
  spec: CollectionSpec,
  actor: Actor,
  master: WireDocument | undefined,
  incoming: Record<string, unknown>,
  changed: Changes,
): Promise<{ doc: WireDocument } | { refusal: Omit<Rejection, 'id'> }> {
  const checked = checkWrite(spec, actor, master, incoming);
  if ('refusal' in checked) return checked;
  const refusal = await checkReferences(tx, spec, actor.organizationId, checked.doc);
  if (refusal) return { refusal };
  const { doc } = checked;
  noteWrite(changed, spec.name, await writeDocument(tx, spec, actor.organizationId, doc));
  if (doc._deleted) {
    for (const cascade of spec.cascades ?? []) {
      const seq = await cascadeDelete(tx, cascade, actor.organizationId, doc.id);
      if (seq > 0) noteWrite(changed, cascade.collection, seq);
    }
  }
  return { doc };
}

/** The document to write, validated once, or why the actor may not write it. */
function checkWrite(
  spec: CollectionSpec,
  actor: Actor,
  master: WireDocument | undefined,
  incoming: Record<string, unknown>,
): { doc: WireDocument } | { refusal: Omit<Rejection, 'id'> } {
  const kind = writeKind(master, { _deleted: incoming._deleted === true });
  const needed = spec.writePermission(kind);
  if (!can(actor.permissions, needed)) {
    return { refusal: { code: 'forbidden', message: `This change needs the permission ${needed}.` } };
  }
  if (incoming._deleted === true) {
    // A deletion erases the content: whatever else the device sent is dropped unread.
    const tombstone = spec.tombstone.safeParse(incoming);
    if (!tombstone.success) return { refusal: invalid(tombstone.error) };
    return { doc: tombstoneOf(tombstone.data) };
  }
  const parsed = spec.schema.safeParse(stripDeleted(incoming));
  if (!parsed.success) return { refusal: invalid(parsed.error) };
  return { doc: { ...(parsed.data as Record<string, unknown>), _deleted: false } as WireDocument };
}

function invalid(error: { issues: { path: PropertyKey[]; message: string }[] }): Omit<Rejection, 'id'> {
  const issue = error.issues[0];
  const where = issue?.path.join('.') || 'document';
  return { code: 'invalid', message: `${where}: ${issue?.message ?? 'invalid'}` };
}

/** A write may only point at documents of the organisation that exist and are not deleted. */
async function checkReferences(
  tx: Sql,
  spec: CollectionSpec,
  organizationId: string,
  incoming: Record<string, unknown>,
): Promise<Omit<Rejection, 'id'> | null> {
  if (incoming._deleted === true) return null;
  for (const ref of spec.references ?? []) {
    const rows = await tx.query(
      `SELECT 1 FROM ${COLLECTIONS[ref.collection].table} WHERE organization_id = $1 AND id = $2 AND NOT deleted`,
      [organizationId, String(incoming[ref.field])],
    );
    if (rows.length === 0) return { code: 'not_found', message: ref.message };
  }
  return null;
}

/**
 * Deletes, with new sequence numbers, the documents that point at a deleted one, erasing
 * their content. Returns the highest sequence number it wrote, or 0 when nothing pointed at it.
 */
async function cascadeDelete(
  tx: Sql,
  cascade: { collection: SyncCollection; column: string },
  organizationId: string,
  id: string,
): Promise<number> {
  const target = COLLECTIONS[cascade.collection];
  const erase = contentColumns(target).map((column) => `${column} = NULL`);
  const rows = await tx.query<{ seq: unknown }>(
    `UPDATE ${target.table}
     SET deleted = true, ${erase.join(', ')}, seq = nextval('change_seq')
     WHERE organization_id = $1 AND ${cascade.column} = $2 AND NOT deleted RETURNING seq`,
    [organizationId, id],
  );
  return Math.max(0, ...rows.map((r) => toNumber(r.seq)));
}

function stripDeleted(doc: Record<string, unknown>): Record<string, unknown> {
  const { _deleted, ...rest } = doc;
  void _deleted;
  return rest;
}

/**
 * The server's state of a document it never had: a tombstone with the pushed times,
 * telling the device the document does not exist here.
 */
function tombstoneFor(incoming: Record<string, unknown>): WireDocument {
  return tombstoneOf({ ...incoming, id: String(incoming.id) });
}

/** A document the server itself writes (for the REST API): a collection and the new state. */
export type ServerWrite = { collection: SyncCollection; doc: WireDocument };

/** The server refused a write of `writeAsServer`; the REST layer turns this into 403 or 422. */
export class WriteRefused extends Error {
  constructor(
    readonly refusal: Omit<Rejection, 'id'>,
    readonly id: string,
  ) {
    super(refusal.message);
  }
}

/**
 * Writes documents for the server itself, in one transaction under the organisation's
 * lock, with exactly a push's rules: permission for the kind of write, the domain's
 * validation, references that must exist, cascades of deletions. `plan` reads what it
 * needs inside the same transaction and returns the writes; any refusal (or an error
 * thrown by `plan`) rolls everything back: all or nothing.
 */
export async function writeAsServer<T>(
  db: Database,
  actor: Actor,
  plan: (tx: Sql) => Promise<{ writes: ServerWrite[]; result: T }>,
): Promise<{ result: T; changed: Map<SyncCollection, Checkpoint> }> {
  return db.transaction(async (tx) => {
    await lockOrganization(tx, actor.organizationId);
    const { writes, result } = await plan(tx);
    const changed: Changes = new Map();
    for (const { collection, doc } of writes) {
      const spec = COLLECTIONS[collection];
      const master = (await currentDocuments(tx, spec, actor.organizationId, [doc.id])).get(doc.id);
      const applied = await applyWrite(tx, spec, actor, master, doc, changed);
      if ('refusal' in applied) throw new WriteRefused(applied.refusal, doc.id);
    }
    return { result, changed };
  });
}
