/** Hooks for memberships: a group's members with their clients, a client's groups, and the writes. */
import { useMemo } from 'react';
import type { Client } from '../../domain/client';
import type { Group } from '../../domain/group';
import {
  createMembership,
  membershipId,
  membershipPeriodSchema,
  type Membership,
  type MembershipPeriod,
} from '../../domain/membership';
import { useData } from './DataProvider';
import { useLiveQuery } from './live';

export type Member = Membership & { client: Client | null };

/** The memberships of a group, each with its client; live. */
export function useGroupMembers(groupId: string): Member[] | null {
  const { db } = useData();
  const memberships = useLiveQuery(db.memberships, { selector: { groupId } }, groupId);
  const clientIds = useMemo(() => (memberships ?? []).map((m) => m.clientId).sort(), [memberships]);
  const clients = useLiveQuery(db.clients, { selector: { id: { $in: clientIds } } }, clientIds.join(','));
  return useMemo(() => {
    if (!memberships || !clients) return null;
    const byId = new Map(clients.map((c) => [c.id, c]));
    return memberships.map((m) => ({ ...m, client: byId.get(m.clientId) ?? null }));
  }, [memberships, clients]);
}

export type ClientGroup = Membership & { group: Group | null };

/** Every group a client is or was in, with the period; live. */
export function useClientGroups(clientId: string): ClientGroup[] | null {
  const { db } = useData();
  const memberships = useLiveQuery(db.memberships, { selector: { clientId } }, clientId);
  const groupIds = useMemo(() => (memberships ?? []).map((m) => m.groupId).sort(), [memberships]);
  const groups = useLiveQuery(db.groups, { selector: { id: { $in: groupIds } } }, groupIds.join(','));
  return useMemo(() => {
    if (!memberships || !groups) return null;
    const byId = new Map(groups.map((g) => [g.id, g]));
    return memberships.map((m) => ({ ...m, group: byId.get(m.groupId) ?? null }));
  }, [memberships, groups]);
}

export function useMembershipMutations() {
  const { db } = useData();
  return useMemo(
    () => ({
      /**
       * Adds clients to a group for one period. Clients already in the group are skipped
       * (one membership per group and client); returns the ids of those added.
       */
      async addMembers(groupId: string, clientIds: string[], period: MembershipPeriod): Promise<string[]> {
        const now = Date.now();
        const existing = await db.memberships
          .findByIds(clientIds.map((c) => membershipId(groupId, c)))
          .exec();
        const fresh = clientIds.filter((c) => !existing.has(membershipId(groupId, c)));
        await db.memberships.bulkInsert(fresh.map((c) => createMembership(groupId, c, period, now)));
        return fresh;
      },
      async updateMembership(id: string, period: MembershipPeriod): Promise<void> {
        const clean = membershipPeriodSchema.parse(period);
        const doc = await db.memberships.findOne(id).exec();
        if (!doc) throw new Error('This membership no longer exists.');
        await doc.incrementalModify((current) => {
          const next: Membership = {
            ...current,
            startDate: clean.startDate,
            updatedAt: Math.max(Date.now(), current.updatedAt),
          };
          if (clean.endDate) next.endDate = clean.endDate;
          else delete next.endDate;
          return next;
        });
      },
      async removeMember(id: string): Promise<void> {
        const doc = await db.memberships.findOne(id).exec();
        await doc?.incrementalRemove();
      },
    }),
    [db],
  );
}
