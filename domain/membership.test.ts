import { describe, expect, it } from 'vitest';
import { isCalendarDate, today } from './dates';
import { createMembership, membershipId, membershipSchema, membershipStatus } from './membership';

describe('memberships', () => {
  it('derive their id from the pair, so two devices make the same document', () => {
    const a = createMembership('g1', 'c1', { startDate: '2026-01-01' }, 1);
    const b = createMembership('g1', 'c1', { startDate: '2026-02-01' }, 2);
    expect(a.id).toBe(membershipId('g1', 'c1'));
    expect(a.id).toBe(b.id);
    expect(membershipSchema.safeParse({ ...a, id: 'g1:c2' }).success).toBe(false);
  });

  it('accept only real calendar dates, and no end before the start', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-02-30')).toBe(false);
    expect(isCalendarDate('2026-13-01')).toBe(false);
    expect(isCalendarDate('2026-1-01')).toBe(false);
    expect(() => createMembership('g', 'c', { startDate: '2026-03-10', endDate: '2026-03-09' }, 1)).toThrow();
    expect(createMembership('g', 'c', { startDate: '2026-03-10', endDate: '2026-03-10' }, 1).endDate).toBe(
      '2026-03-10',
    );
    expect('endDate' in createMembership('g', 'c', { startDate: '2026-03-10' }, 1)).toBe(false);
  });

  it('are upcoming, active (end date inclusive) or ended on a day', () => {
    const m = { startDate: '2026-03-01', endDate: '2026-03-31' };
    expect(membershipStatus(m, '2026-02-28')).toBe('upcoming');
    expect(membershipStatus(m, '2026-03-01')).toBe('active');
    expect(membershipStatus(m, '2026-03-31')).toBe('active');
    expect(membershipStatus(m, '2026-04-01')).toBe('ended');
    expect(membershipStatus({ startDate: '2020-01-01' }, '2099-01-01')).toBe('active');
  });

  it('today is the device’s local calendar day', () => {
    expect(today(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});
