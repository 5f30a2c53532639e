/**
 * Deterministic benchmark data (seeded), loaded straight into the server's tables with
 * inserts of one array per column, so setting up 610,000 documents takes seconds, not the benchmark's time.
 */
import { membershipId } from '../domain/membership';
import type { Database } from '../sync/server/storage/database';
import { lockOrganization } from '../sync/server/syncStore';
import { seededRandom } from '../sync/testing/random';

export type DatasetSize = { groups: number; clients: number; memberships: number; bigGroupMembers: number };

/** A small practice: 2,000 clients, 150 groups, 6,000 memberships. */
export const PRACTICE: DatasetSize = { groups: 150, clients: 2_000, memberships: 6_000, bigGroupMembers: 0 };

/** A network of practices: 100,000 clients, 10,000 groups, 500,000 memberships; one group has 2,000 members. */
export const NETWORK: DatasetSize = {
  groups: 10_000,
  clients: 100_000,
  memberships: 500_000,
  bigGroupMembers: 2_000,
};

/** `share` of a data set (the growth series), keeping its big group. */
export function scaled(size: DatasetSize, share: number): DatasetSize {
  const clients = Math.round(size.clients * share);
  return {
    groups: Math.round(size.groups * share),
    clients,
    memberships: Math.round(size.memberships * share),
    bigGroupMembers: Math.min(size.bigGroupMembers, clients),
  };
}

const FIRST = [
  'Anna',
  'Bram',
  'Carmen',
  'Daan',
  'Elena',
  'Fatima',
  'Gert',
  'Hanna',
  'Ion',
  'Julia',
  'Kees',
  'Lotte',
  'Mihai',
  'Noor',
  'Oana',
  'Pieter',
  'Radu',
  'Sanne',
  'Tudor',
  'Vera',
];
const LAST = [
  'de Vries',
  'Jansen',
  'Popescu',
  'Bakker',
  'Ionescu',
  'Visser',
  'Smit',
  'Marin',
  'Stan',
  'Mulder',
  'de Boer',
  'Dumitru',
  'Meijer',
  'Bos',
  'Constantin',
  'Vos',
];
const TOPICS = [
  'Mindfulness',
  'Grief support',
  'Running',
  'Parenting',
  'Yoga',
  'Anxiety skills',
  'Sleep',
  'Nutrition',
  'Strength',
  'Couples',
  'Burnout',
  'Stress',
];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const day = (n: number) => new Date(Date.UTC(2024, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);

export type Dataset = { bigGroupId: string; counts: DatasetSize };

/** A column and its SQL type, for the arrays rows are sent in. */
type Column = [name: string, type: 'text' | 'bigint' | 'jsonb'];

/**
 * Inserts `rows` as one array per column (`unnest`): any number of rows in one statement
 * with as many parameters as columns, which PostgreSQL and PGlite parse far faster than
 * tens of thousands of single parameters.
 */
async function insertRows(db: Database, table: string, columns: Column[], rows: unknown[][]) {
  const batch = 20_000;
  const names = columns.map(([name]) => name).join(', ');
  const arrays = columns.map(([, type], k) => `$${k + 1}::${type}[]`).join(', ');
  for (let i = 0; i < rows.length; i += batch) {
    const slice = rows.slice(i, i + batch);
    const params = columns.map((_, k) => slice.map((row) => row[k] ?? null));
    await db.transaction(async (tx) => {
      await lockOrganization(tx, String(slice[0]?.[0]));
      await tx.query(
        `INSERT INTO ${table} (${names}, seq) SELECT u.*, nextval('change_seq') FROM unnest(${arrays}) AS u`,
        params,
      );
    });
  }
}

export async function loadDataset(
  db: Database,
  organizationId: string,
  size: DatasetSize,
  seed = 42,
): Promise<Dataset> {
  const random = seededRandom(seed);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)] as T;
  const now = Date.UTC(2026, 10, 1);
  const groupIds = Array.from({ length: size.groups }, (_, i) => `bg-${i}`);
  const clientIds = Array.from({ length: size.clients }, (_, i) => `bc-${i}`);
  await insertRows(
    db,
    'groups',
    [
      ['organization_id', 'text'],
      ['id', 'text'],
      ['name', 'text'],
      ['description', 'text'],
      ['metadata', 'jsonb'],
      ['created_at', 'bigint'],
      ['updated_at', 'bigint'],
    ],
    groupIds.map((id, i) => [
      organizationId,
      id,
      `${pick(TOPICS)} ${pick(DAYS)} ${i}`,
      `Group ${i} for ${pick(TOPICS).toLowerCase()}, meets on ${pick(DAYS)}.`,
      '{}',
      now,
      now,
    ]),
  );
  await insertRows(
    db,
    'clients',
    [
      ['organization_id', 'text'],
      ['id', 'text'],
      ['name', 'text'],
      ['email', 'text'],
      ['created_at', 'bigint'],
      ['updated_at', 'bigint'],
    ],
    clientIds.map((id, i) => {
      const first = pick(FIRST);
      const last = pick(LAST);
      return [
        organizationId,
        id,
        `${first} ${last} ${i}`,
        `${first.toLowerCase()}.${i}@example.test`,
        now,
        now,
      ];
    }),
  );
  // The first group gets `bigGroupMembers` members; the rest spread at random, one per (group, client).
  const pairs = new Set<string>();
  const rows: unknown[][] = [];
  const add = (groupId: string, clientId: string) => {
    const id = membershipId(groupId, clientId);
    if (pairs.has(id)) return;
    pairs.add(id);
    const start = Math.floor(random() * 900);
    const end = random() < 0.4 ? day(start + 30 + Math.floor(random() * 300)) : null;
    rows.push([organizationId, id, groupId, clientId, day(start), end, now, now]);
  };
  for (let i = 0; i < size.bigGroupMembers; i++) add(groupIds[0] as string, clientIds[i] as string);
  while (rows.length < size.memberships) add(pick(groupIds), pick(clientIds));
  await insertRows(
    db,
    'memberships',
    [
      ['organization_id', 'text'],
      ['id', 'text'],
      ['group_id', 'text'],
      ['client_id', 'text'],
      ['start_date', 'text'],
      ['end_date', 'text'],
      ['created_at', 'bigint'],
      ['updated_at', 'bigint'],
    ],
    rows,
  );
  return { bigGroupId: groupIds[0] as string, counts: size };
}
