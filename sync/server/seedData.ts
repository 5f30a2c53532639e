/**
 * The development and test organisations of DESIGN.md. Idempotent: users are brought
 * back to these passwords and roles; demo groups are added only where missing, so a
 * second run never overwrites what someone changed.
 */
import type { Group } from '../../domain/group';
import type { Role } from '../../domain/permissions';
import { ensureOrganization, upsertUser } from './auth/accounts';
import { COLLECTIONS } from './collections';
import type { Database } from './storage/database';
import { lockOrganization, writeDocument } from './syncStore';

export const DEMO_PASSWORD = 'cohort-demo';

type SeedOrganization = {
  id: string;
  name: string;
  users: { id: string; email: string; name: string; role: Role }[];
  groups: Pick<Group, 'id' | 'name' | 'description'>[];
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
  },
  {
    id: 'org-other',
    name: 'Other practice',
    users: [{ id: 'user-other-admin', email: 'admin@other.test', name: 'Olivia Other', role: 'admin' }],
    groups: [
      { id: 'other-anxiety', name: 'Anxiety skills', description: 'CBT skills group, six sessions.' },
      { id: 'other-yoga', name: 'Gentle yoga', description: 'Chair yoga for older clients.' },
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
    await db.transaction(async (tx) => {
      await lockOrganization(tx, org.id);
      const ids = org.groups.map((g) => g.id);
      const present = new Set(
        (
          await tx.query<{ id: string }>(
            'SELECT id FROM groups WHERE organization_id = $1 AND id = ANY($2::text[])',
            [org.id, ids],
          )
        ).map((r) => r.id),
      );
      for (const group of org.groups) {
        if (present.has(group.id)) continue;
        const doc: Group = { ...group, metadata: {}, createdAt: now, updatedAt: now };
        await writeDocument(tx, COLLECTIONS.groups, org.id, { ...doc, _deleted: false });
      }
    });
  }
  return SEED;
}
