/** A membership's status (upcoming / active / ended) as a coloured badge. */
import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { MembershipStatus } from '../../domain/membership';

const COLOR: Record<MembershipStatus, string> = { upcoming: 'blue', active: 'teal', ended: 'gray' };

export function StatusBadge({ status }: { status: MembershipStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={COLOR[status]} variant="light">
      {t(`group.status.${status}`)}
    </Badge>
  );
}
