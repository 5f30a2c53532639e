/**
 * Memberships over time: one bar per membership on a shared time axis, a line at today,
 * so "who was in this group in March" is answered at a glance. Presentational.
 */
import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { membershipStatus } from '../../../domain/membership';
import type { Member } from '../../data/members';
import { displayLocale } from '../../i18n';
import { formatDay } from '../../format';

const DAY_MS = 86_400_000;
const toMs = (day: string) => Date.parse(`${day}T00:00:00Z`);

export function MembershipTimeline({ members, day }: { members: Member[]; day: string }) {
  const { t, i18n } = useTranslation();
  if (members.length === 0)
    return (
      <Text c="dimmed" size="sm">
        {t('group.timelineEmpty')}
      </Text>
    );
  const starts = members.map((m) => toMs(m.startDate));
  const ends = members.map((m) => toMs(m.endDate ?? day));
  const from = Math.min(...starts, toMs(day)) - 7 * DAY_MS;
  const to = Math.max(...ends, toMs(day)) + 14 * DAY_MS;
  const pct = (ms: number) => ((ms - from) / (to - from)) * 100;
  const ticks = monthTicks(from, to);
  const monthFormat = new Intl.DateTimeFormat(displayLocale(i18n.language), {
    month: 'short',
    year: '2-digit',
    timeZone: 'UTC',
  });
  const sorted = [...members].sort((a, b) => a.startDate.localeCompare(b.startDate));
  return (
    <div className="timeline" role="img" aria-label={t('group.timeline')}>
      {sorted.map((m) => {
        const start = pct(toMs(m.startDate));
        const end = pct(toMs(m.endDate ?? day) + DAY_MS);
        const name = m.client?.name ?? t('group.unknownClient');
        const period = m.endDate
          ? t('client.period', {
              start: formatDay(m.startDate, i18n.language),
              end: formatDay(m.endDate, i18n.language),
            })
          : t('client.periodOpen', { start: formatDay(m.startDate, i18n.language) });
        return (
          <div className="timeline-row" key={m.id} data-testid="timeline-row">
            <Text size="xs" truncate title={name}>
              {name}
            </Text>
            <div className="timeline-track">
              <div
                className="timeline-bar"
                data-status={membershipStatus(m, day)}
                style={{ left: `${start}%`, width: `${Math.max(0.5, end - start)}%` }}
                title={`${name}: ${period}`}
              />
              <div
                className="timeline-today"
                style={{ left: `${pct(toMs(day))}%` }}
                title={t('group.timelineToday')}
              />
            </div>
          </div>
        );
      })}
      <div className="timeline-axis" aria-hidden>
        <span />
        <div className="timeline-ticks">
          {ticks.map((ms) => (
            <span key={ms} style={{ left: `${pct(ms)}%` }}>
              {monthFormat.format(ms)}
            </span>
          ))}
        </div>
      </div>
    </div>
  );
}

/** First days of months between `from` and `to`, thinned to at most 8 labels. */
function monthTicks(from: number, to: number): number[] {
  const ticks: number[] = [];
  const d = new Date(from);
  let cursor = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  while (cursor < to) {
    ticks.push(cursor);
    const c = new Date(cursor);
    cursor = Date.UTC(c.getUTCFullYear(), c.getUTCMonth() + 1, 1);
  }
  const step = Math.ceil(ticks.length / 8);
  return ticks.filter((_, i) => i % step === 0);
}
