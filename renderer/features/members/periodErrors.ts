/** Field errors of a membership period, as translation keys under memberForm.errors. */
import { membershipPeriodSchema, type MembershipPeriod } from '../../../domain/membership';

export function periodErrors(
  startDate: string,
  endDate: string,
): {
  period: MembershipPeriod | null;
  errors: Partial<Record<'startDate' | 'endDate', string>>;
} {
  const errors: Partial<Record<'startDate' | 'endDate', string>> = {};
  if (!startDate) errors.startDate = 'startDate.required';
  const result = membershipPeriodSchema.safeParse({ startDate, ...(endDate ? { endDate } : {}) });
  if (!result.success) {
    for (const issue of result.error.issues) {
      const field = issue.path[0] === 'endDate' ? 'endDate' : 'startDate';
      errors[field] ??= issue.message;
    }
  }
  return { period: result.success && !errors.startDate ? result.data : null, errors };
}
