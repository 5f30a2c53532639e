/** A group's members: client, period, status and the row actions; presentational. */
import { ActionIcon, Group as Row, Table, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { StatusBadge } from '../../components/StatusBadge';
import { Link } from 'react-router';
import { membershipStatus } from '../../../domain/membership';
import type { Member } from '../../data/members';
import { SortHeader } from '../../components/SortHeader';
import { formatDay } from '../../format';

export type MemberSort = 'name' | '-name' | 'start' | '-start';

export function memberName(member: Member, unknown: string): string {
  return member.client?.name ?? unknown;
}

type Props = {
  members: Member[];
  day: string;
  sort: MemberSort;
  onSort(sort: MemberSort): void;
  mayManage: boolean;
  onEdit(member: Member): void;
  onRemove(member: Member): void;
};

export function MembersTable({ members, day, sort, onSort, mayManage, onEdit, onRemove }: Props) {
  const { t, i18n } = useTranslation();
  const unknown = t('group.unknownClient');
  return (
    <Table verticalSpacing="xs" horizontalSpacing="md" highlightOnHover aria-label={t('group.members')}>
      <Table.Thead>
        <Table.Tr>
          <SortHeader
            direction={sort === 'name' ? 'asc' : sort === '-name' ? 'desc' : null}
            onToggle={() => onSort(sort === 'name' ? '-name' : 'name')}
            title={t('group.columns.client')}
          >
            {t('group.columns.client')}
          </SortHeader>
          <SortHeader
            direction={sort === 'start' ? 'asc' : sort === '-start' ? 'desc' : null}
            onToggle={() => onSort(sort === 'start' ? '-start' : 'start')}
            title={t('group.columns.start')}
          >
            {t('group.columns.start')}
          </SortHeader>
          <Table.Th scope="col">{t('group.columns.end')}</Table.Th>
          <Table.Th scope="col">{t('group.columns.status')}</Table.Th>
          {mayManage && (
            <Table.Th scope="col" w={96}>
              <span className="visually-hidden">{t('group.columns.actions')}</span>
            </Table.Th>
          )}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {members.map((member) => {
          const status = membershipStatus(member, day);
          const name = memberName(member, unknown);
          return (
            <Table.Tr key={member.id} data-testid="member-row">
              <Table.Td>
                {member.client ? (
                  <Link className="row-link" to={`/clients/${encodeURIComponent(member.clientId)}`}>
                    {name}
                  </Link>
                ) : (
                  <Text size="sm" c="dimmed" fs="italic">
                    {name}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{formatDay(member.startDate, i18n.language)}</Table.Td>
              <Table.Td>
                {member.endDate ? (
                  formatDay(member.endDate, i18n.language)
                ) : (
                  <Text span size="sm" c="dimmed">
                    {t('group.noEndDate')}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <StatusBadge status={status} />
              </Table.Td>
              {mayManage && (
                <Table.Td>
                  <Row gap={4} wrap="nowrap">
                    <Tooltip label={t('group.editMembership', { name })}>
                      <ActionIcon
                        variant="subtle"
                        aria-label={t('group.editMembership', { name })}
                        onClick={() => onEdit(member)}
                      >
                        <span aria-hidden>✎</span>
                      </ActionIcon>
                    </Tooltip>
                    <Tooltip label={t('group.removeMember', { name })}>
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={t('group.removeMember', { name })}
                        onClick={() => onRemove(member)}
                      >
                        <span aria-hidden>✕</span>
                      </ActionIcon>
                    </Tooltip>
                  </Row>
                </Table.Td>
              )}
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
