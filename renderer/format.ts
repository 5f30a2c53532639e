/** Dates and times in the user's locale; stored dates stay YYYY-MM-DD. */
import { displayLocale } from './i18n';

export function formatDay(day: string, language: string): string {
  const [y, m, d] = day.split('-').map(Number);
  if (!y || !m || !d) return day;
  return new Intl.DateTimeFormat(displayLocale(language), { dateStyle: 'medium', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

export function formatTimestamp(ms: number, language: string): string {
  return new Intl.DateTimeFormat(displayLocale(language), { dateStyle: 'medium', timeStyle: 'short' }).format(
    ms,
  );
}
