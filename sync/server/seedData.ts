/**
 * The development and test organisations of DESIGN.md. Idempotent: users are brought
 * back to these passwords and roles; demo groups are added only where missing, so a
 * second run never overwrites what someone changed.
 */
import { createClient, type Client } from '../../domain/client';
import { checkGroupInput, createGroup, type Group } from '../../domain/group';
import { createMembership } from '../../domain/membership';
import type { Role } from '../../domain/permissions';
import { ensureOrganization, upsertUser } from './auth/accounts';
import { COLLECTIONS } from './collections';
import type { Database, Sql } from './storage/database';
import type { SyncCollection } from '../protocol';
import { lockOrganization, writeDocument } from './syncStore';

export const DEMO_PASSWORD = 'cohort-demo';

type SeedOrganization = {
  id: string;
  name: string;
  users: { id: string; email: string; name: string; role: Role }[];
  groups: Pick<Group, 'id' | 'name' | 'description'>[];
  clients: Omit<Client, 'createdAt' | 'updatedAt'>[];
  /** [groupId, clientId, startDate, endDate?] */
  memberships: [string, string, string, string?][];
};

export const SEED: SeedOrganization[] = [
  {
    id: 'org-demo',
    name: 'Demo practice',
    users: [
      { id: 'user-demo-admin', email: 'admin@demo.test', name: 'Alex Admin', role: 'admin' },
      {
        id: 'user-demo-practitioner',
        email: 'practitioner@demo.test',
        name: 'Pat Practitioner',
        role: 'practitioner',
      },
      { id: 'user-demo-viewer', email: 'viewer@demo.test', name: 'Vic Viewer', role: 'viewer' },
    ],
    groups: [
      {
        id: 'demo-mindfulness',
        name: 'Mindfulness Tuesday',
        description: 'Eight-week mindfulness course, Tuesday evenings.',
      },
      {
        id: 'demo-grief',
        name: 'Grief support circle',
        description: 'Open group for clients who lost someone close.',
      },
      {
        id: 'demo-parents',
        name: 'New parents',
        description: 'Monthly meeting for parents of babies under one year.',
      },
      { id: 'demo-running', name: 'Running for beginners', description: 'From zero to 5 km in ten weeks.' },
    ],
    clients: [
      {
        id: 'demo-c-anna',
        name: 'Anna de Vries',
        email: 'anna.devries@example.nl',
        phone: '+31 6 1234 5678',
        birthDate: '1986-04-12',
      },
      { id: 'demo-c-bram', name: 'Bram Jansen', email: 'bram.jansen@example.nl' },
      {
        id: 'demo-c-carmen',
        name: 'Carmen Popescu',
        email: 'carmen.popescu@example.ro',
        birthDate: '1979-11-02',
      },
      { id: 'demo-c-daan', name: 'Daan Bakker', phone: '+31 6 8765 4321' },
      { id: 'demo-c-elena', name: 'Elena Ionescu', email: 'elena.ionescu@example.ro' },
      {
        id: 'demo-c-fatima',
        name: 'Fatima El Amrani',
        email: 'fatima.elamrani@example.nl',
        birthDate: '1992-07-30',
      },
      { id: 'demo-c-gert', name: 'Gert Visser', email: 'gert.visser@example.nl' },
      { id: 'demo-c-hanna', name: 'Hanna Smit', email: 'hanna.smit@example.nl' },
    ],
    memberships: [
      ['demo-mindfulness', 'demo-c-anna', '2026-09-01'],
      ['demo-mindfulness', 'demo-c-bram', '2026-09-01', '2026-10-27'],
      ['demo-mindfulness', 'demo-c-carmen', '2026-09-15'],
      ['demo-mindfulness', 'demo-c-fatima', '2027-01-05'],
      ['demo-grief', 'demo-c-daan', '2026-03-02'],
      ['demo-grief', 'demo-c-elena', '2026-05-11', '2026-08-31'],
      ['demo-parents', 'demo-c-fatima', '2026-06-01'],
      ['demo-parents', 'demo-c-hanna', '2026-06-01'],
      ['demo-running', 'demo-c-gert', '2026-08-17', '2026-10-26'],
      ['demo-running', 'demo-c-anna', '2026-08-17'],
    ],
  },
  {
    id: 'org-other',
    name: 'Other practice',
    users: [{ id: 'user-other-admin', email: 'admin@other.test', name: 'Olivia Other', role: 'admin' }],
    groups: [
      { id: 'other-anxiety', name: 'Anxiety skills', description: 'CBT skills group, six sessions.' },
      { id: 'other-yoga', name: 'Gentle yoga', description: 'Chair yoga for older clients.' },
    ],
    clients: [
      { id: 'other-c-ion', name: 'Ion Marin', email: 'ion.marin@example.ro' },
      { id: 'other-c-maria', name: 'Maria Stan', email: 'maria.stan@example.ro' },
    ],
    memberships: [
      ['other-anxiety', 'other-c-ion', '2026-10-01'],
      ['other-yoga', 'other-c-maria', '2026-02-01'],
    ],
  },
];

export async function seed(db: Database): Promise<SeedOrganization[]> {
  const now = Date.now();
  for (const org of SEED) {
    await ensureOrganization(db, org.id, org.name);
    for (const user of org.users) {
      await upsertUser(db, { ...user, organizationId: org.id, password: DEMO_PASSWORD });
    }
    const groups = org.groups.map(({ id, ...input }) =>
      createGroup(checkGroupInput({ ...input, metadata: {} }), id, now),
    );
    const clients = org.clients.map(({ id, ...input }) => createClient(input, id, now));
    const memberships = org.memberships.map(([groupId, clientId, startDate, endDate]) =>
      createMembership(groupId, clientId, { startDate, ...(endDate ? { endDate } : {}) }, now),
    );
    await db.transaction(async (tx) => {
      await lockOrganization(tx, org.id);
      await insertMissing(tx, 'groups', org.id, groups);
      await insertMissing(tx, 'clients', org.id, clients);
      await insertMissing(tx, 'memberships', org.id, memberships);
    });
  }
  return SEED;
}

async function insertMissing(
  tx: Sql,
  collection: SyncCollection,
  organizationId: string,
  docs: { id: string }[],
) {
  const spec = COLLECTIONS[collection];
  const present = new Set(
    (
      await tx.query<{ id: string }>(
        `SELECT id FROM ${spec.table} WHERE organization_id = $1 AND id = ANY($2::text[])`,
        [organizationId, docs.map((d) => d.id)],
      )
    ).map((r) => r.id),
  );
  for (const doc of docs) {
    if (!present.has(doc.id)) await writeDocument(tx, spec, organizationId, { ...doc, _deleted: false });
  }
}
