/**
 * What the REST API reads and writes. Writes go through `writeAsServer` (syncStore.ts):
 * the same organisation lock, permission checks, domain validation, references and
 * cascades as a device's push, and the same sequence numbers, so every change made here
 * reaches the devices by sync.
 */
import { today } from '../../../domain/dates';
import { matchesSearch } from '../../../domain/search';
import { COLLECTIONS, columnList, rowToDocument, type WireDocument } from '../collections';
import type { Database, Sql } from '../storage/database';
import { toNumber } from '../storage/database';
import type { ApiClient, ApiGroup, ApiMember } from './schemas';

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
const byName = (a: WireDocument, b: WireDocument) =>
  collator.compare(String(a.name), String(b.name)) || a.id.localeCompare(b.id);

export async function liveDocuments(
  db: Sql,
  collection: keyof typeof COLLECTIONS,
  organizationId: string,
  where = '',
  params: unknown[] = [],
): Promise<WireDocument[]> {
  const spec = COLLECTIONS[collection];
  const rows = await db.query(
    `SELECT ${columnList(spec)}, deleted FROM ${spec.table} WHERE organization_id = $1 AND NOT deleted ${where}`,
    [organizationId, ...params],
  );
  return rows.map((row) => rowToDocument(spec, row));
}

export async function liveDocument(
  db: Sql,
  collection: keyof typeof COLLECTIONS,
  organizationId: string,
  id: string,
): Promise<WireDocument | null> {
  return (await liveDocuments(db, collection, organizationId, 'AND id = $2', [id]))[0] ?? null;
}

/** Member counts of the given groups: all memberships, and those active on `day`. */
async function memberCounts(
  db: Sql,
  organizationId: string,
  groupIds: string[],
  day: string,
): Promise<Map<string, { all: number; active: number }>> {
  if (groupIds.length === 0) return new Map();
  const rows = await db.query<{ group_id: string; all_count: unknown; active_count: unknown }>(
    `SELECT group_id, COUNT(*) AS all_count,
       SUM(CASE WHEN start_date <= $3 AND (end_date IS NULL OR end_date >= $3) THEN 1 ELSE 0 END) AS active_count
     FROM memberships WHERE organization_id = $1 AND NOT deleted AND group_id = ANY($2::text[])
     GROUP BY group_id`,
    [organizationId, groupIds, day],
  );
  return new Map(
    rows.map((r) => [r.group_id, { all: toNumber(r.all_count), active: toNumber(r.active_count) }]),
  );
}

export function toApiGroup(doc: WireDocument, counts?: { all: number; active: number }): ApiGroup {
  return {
    id: doc.id,
    name: String(doc.name),
    description: String(doc.description ?? ''),
    metadata: (doc.metadata ?? {}) as Record<string, string>,
    memberCount: counts?.all ?? 0,
    activeMemberCount: counts?.active ?? 0,
    archivedAt: typeof doc.archivedAt === 'number' ? doc.archivedAt : null,
    createdAt: Number(doc.createdAt),
    updatedAt: Number(doc.updatedAt),
  };
}

export function toApiClient(doc: WireDocument): ApiClient {
  return {
    id: doc.id,
    name: String(doc.name),
    email: (doc.email as string | undefined) ?? null,
    phone: (doc.phone as string | undefined) ?? null,
    birthDate: (doc.birthDate as string | undefined) ?? null,
    createdAt: Number(doc.createdAt),
    updatedAt: Number(doc.updatedAt),
  };
}

export async function groupWithCounts(db: Sql, organizationId: string, doc: WireDocument): Promise<ApiGroup> {
  const counts = await memberCounts(db, organizationId, [doc.id], today());
  return toApiGroup(doc, counts.get(doc.id));
}

export async function listGroups(
  db: Database,
  organizationId: string,
  query: {
    q?: string | undefined;
    sort: string;
    limit: number;
    offset: number;
    clientId?: string | undefined;
  },
): Promise<{ groups: ApiGroup[]; count: number }> {
  const docs = query.clientId
    ? await liveDocuments(
        db,
        'groups',
        organizationId,
        'AND id IN (SELECT group_id FROM memberships WHERE organization_id = $1 AND client_id = $2 AND NOT deleted)',
        [query.clientId],
      )
    : await liveDocuments(db, 'groups', organizationId);
  const found = query.q
    ? docs.filter((d) => matchesSearch([String(d.name), String(d.description ?? '')], query.q ?? ''))
    : docs;
  const sorted = found.sort((a, b) => {
    switch (query.sort) {
      case '-name':
        return byName(b, a);
      case 'createdAt':
        return Number(a.createdAt) - Number(b.createdAt) || a.id.localeCompare(b.id);
      case '-createdAt':
        return Number(b.createdAt) - Number(a.createdAt) || b.id.localeCompare(a.id);
      default:
        return byName(a, b);
    }
  });
  const pageDocs = sorted.slice(query.offset, query.offset + query.limit);
  const counts = await memberCounts(
    db,
    organizationId,
    pageDocs.map((d) => d.id),
    today(),
  );
  return { groups: pageDocs.map((d) => toApiGroup(d, counts.get(d.id))), count: found.length };
}

export async function listMembers(
  db: Database,
  organizationId: string,
  groupId: string,
  query: { limit: number; offset: number; activeOn?: string | undefined },
): Promise<{ members: ApiMember[]; count: number }> {
  const params: unknown[] = [organizationId, groupId];
  let active = '';
  if (query.activeOn) {
    params.push(query.activeOn);
    active = 'AND m.start_date <= $3 AND (m.end_date IS NULL OR m.end_date >= $3)';
  }
  const rows = await db.query<{
    client_id: string;
    name: string;
    email: string | null;
    start_date: string;
    end_date: string | null;
  }>(
    `SELECT m.client_id, c.name, c.email, m.start_date, m.end_date
     FROM memberships m JOIN clients c ON c.organization_id = m.organization_id AND c.id = m.client_id
     WHERE m.organization_id = $1 AND m.group_id = $2 AND NOT m.deleted AND NOT c.deleted ${active}`,
    params,
  );
  const members = rows
    .map((r) => ({
      client: { id: r.client_id, name: r.name, email: r.email },
      startDate: r.start_date,
      endDate: r.end_date,
    }))
    .sort((a, b) => collator.compare(a.client.name, b.client.name) || a.client.id.localeCompare(b.client.id));
  return { members: members.slice(query.offset, query.offset + query.limit), count: members.length };
}

export async function listClients(
  db: Database,
  organizationId: string,
  query: { q?: string | undefined; limit: number; offset: number },
): Promise<{ clients: ApiClient[]; count: number }> {
  const docs = await liveDocuments(db, 'clients', organizationId);
  const found = (
    query.q
      ? docs.filter((d) =>
          matchesSearch(
            [String(d.name), d.email as string | undefined, d.phone as string | undefined],
            query.q ?? '',
          ),
        )
      : docs
  ).sort((a, b) => byName(a, b));
  return {
    clients: found.slice(query.offset, query.offset + query.limit).map(toApiClient),
    count: found.length,
  };
}

export async function clientGroups(
  db: Sql,
  organizationId: string,
  clientId: string,
): Promise<{ id: string; name: string; startDate: string; endDate: string | null }[]> {
  const rows = await db.query<{ id: string; name: string; start_date: string; end_date: string | null }>(
    `SELECT g.id, g.name, m.start_date, m.end_date
     FROM memberships m JOIN groups g ON g.organization_id = m.organization_id AND g.id = m.group_id
     WHERE m.organization_id = $1 AND m.client_id = $2 AND NOT m.deleted AND NOT g.deleted`,
    [organizationId, clientId],
  );
  return rows
    .map((r) => ({ id: r.id, name: r.name, startDate: r.start_date, endDate: r.end_date }))
    .sort((a, b) => collator.compare(a.name, b.name) || a.id.localeCompare(b.id));
}

export function toApiMember(membership: WireDocument, client: WireDocument): ApiMember {
  return {
    client: { id: client.id, name: String(client.name), email: (client.email as string | undefined) ?? null },
    startDate: String(membership.startDate),
    endDate: (membership.endDate as string | undefined) ?? null,
  };
}
