/** The groups table: presentational, props only. */
import { Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Group } from '../../../domain/group';
import { displayLocale } from '../../i18n';

export function GroupsTable({ groups }: { groups: Group[] }) {
  const { t, i18n } = useTranslation();
  const dateFormat = new Intl.DateTimeFormat(displayLocale(i18n.language), {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  return (
    <Table
      className="groups-table"
      highlightOnHover
      verticalSpacing="sm"
      horizontalSpacing="md"
      aria-label={t('groups.title')}
    >
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">{t('groups.columns.name')}</Table.Th>
          <Table.Th scope="col">{t('groups.columns.description')}</Table.Th>
          <Table.Th scope="col" w={190}>
            {t('groups.columns.updated')}
          </Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {groups.map((group) => (
          <Table.Tr key={group.id} data-testid="group-row">
            <Table.Td>
              <Text fw={600} size="sm">
                {group.name}
              </Text>
            </Table.Td>
            <Table.Td className="description" title={group.description}>
              {group.description || (
                <Text span c="dimmed" size="sm" fs="italic">
                  {t('groups.noDescription')}
                </Text>
              )}
            </Table.Td>
            <Table.Td>
              <Text size="sm" c="dimmed">
                {dateFormat.format(group.updatedAt)}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
