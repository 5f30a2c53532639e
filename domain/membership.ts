import { z } from 'zod';
import { calendarDateSchema } from './dates';
import { idSchema, ID_MAX_LENGTH } from './ids';
import { timestampSchema } from './group';

/** One membership per (group, client): its id comes from the pair, so two offline devices make the same document. */
export function membershipId(groupId: string, clientId: string): string {
  return `${groupId}:${clientId}`;
}
export const MEMBERSHIP_ID_MAX = ID_MAX_LENGTH * 2 + 1;

/** A membership's id, `<groupId>:<clientId>`, as its own (a tombstone keeps the id alone). */
export const membershipIdSchema = z
  .string()
  .max(MEMBERSHIP_ID_MAX)
  .regex(/^[A-Za-z0-9_-]{1,40}:[A-Za-z0-9_-]{1,40}$/, { message: 'id.notFromPair' });

const periodRefinement = <T extends { startDate: string; endDate?: string | undefined }>(m: T) =>
  !m.endDate || m.endDate >= m.startDate;

export const membershipPeriodSchema = z
  .object({ startDate: calendarDateSchema, endDate: calendarDateSchema.optional() })
  .strict()
  .refine(periodRefinement, { message: 'endDate.beforeStart', path: ['endDate'] });
export type MembershipPeriod = z.infer<typeof membershipPeriodSchema>;

export const membershipSchema = z
  .object({
    id: z.string().max(MEMBERSHIP_ID_MAX),
    groupId: idSchema,
    clientId: idSchema,
    startDate: calendarDateSchema,
    endDate: calendarDateSchema.optional(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .strict()
  .refine((m) => m.id === membershipId(m.groupId, m.clientId), { message: 'id.notFromPair', path: ['id'] })
  .refine(periodRefinement, { message: 'endDate.beforeStart', path: ['endDate'] });
export type Membership = z.infer<typeof membershipSchema>;

export type MembershipStatus = 'upcoming' | 'active' | 'ended';

/** Where a membership stands on `day` (YYYY-MM-DD): the end date is the last day in the group. */
export function membershipStatus(m: MembershipPeriod, day: string): MembershipStatus {
  if (m.startDate > day) return 'upcoming';
  if (m.endDate !== undefined && m.endDate < day) return 'ended';
  return 'active';
}

export function isMemberOn(m: MembershipPeriod, day: string): boolean {
  return membershipStatus(m, day) === 'active';
}

export function createMembership(
  groupId: string,
  clientId: string,
  period: MembershipPeriod,
  now: number,
): Membership {
  const clean = membershipPeriodSchema.parse(period);
  return {
    id: membershipId(groupId, clientId),
    groupId,
    clientId,
    startDate: clean.startDate,
    ...(clean.endDate ? { endDate: clean.endDate } : {}),
    createdAt: now,
    updatedAt: now,
  };
}
