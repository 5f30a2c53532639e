/** One client: details (with edit) and every group the client is or was in, with periods. */
import {
  Anchor,
  Button,
  Center,
  Group as Row,
  Loader,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { StatusBadge } from '../../components/StatusBadge';
import { Link, useParams } from 'react-router';
import { today } from '../../../domain/dates';
import { membershipStatus } from '../../../domain/membership';
import { can } from '../../../domain/permissions';
import { useClient, useClientMutations } from '../../data/clients';
import { useClientGroups } from '../../data/members';
import { formatDay } from '../../format';
import { useSessionStore } from '../../stores';
import { ClientFormDialog } from './ClientFormDialog';

export function ClientDetailScreen() {
  const { t, i18n } = useTranslation();
  const { clientId = '' } = useParams();
  const permissions = useSessionStore((s) => s.session?.permissions ?? []);
  const client = useClient(clientId);
  const groups = useClientGroups(clientId);
  const { updateClient } = useClientMutations();
  const [editing, setEditing] = useState(false);
  const back = (
    <Anchor component={Link} to="/clients" size="sm">
      ← {t('client.back')}
    </Anchor>
  );
  if (client === undefined || groups === null) {
    return (
      <Center p="xl">
        <Loader size="sm" />
      </Center>
    );
  }
  if (client === null) {
    return (
      <Stack>
        {back}
        <Text>{t('common.notFound')}</Text>
      </Stack>
    );
  }
  const day = today();
  const dash = t('clients.notSet');
  const field = (label: string, value: string | undefined) => (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text>{value ?? dash}</Text>
    </div>
  );
  const sorted = [...groups].sort((a, b) => b.startDate.localeCompare(a.startDate));

  return (
    <Stack gap="xl" maw={1100}>
      <Stack gap="xs">
        {back}
        <Row justify="space-between" align="flex-start">
          <Title order={1} size="h2">
            {client.name}
          </Title>
          {can(permissions, 'clients.write') && (
            <Button variant="default" onClick={() => setEditing(true)}>
              {t('client.edit')}
            </Button>
          )}
        </Row>
      </Stack>
      <Paper withBorder radius="md" p="lg" component="section" aria-label={t('client.details')}>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          {field(t('clientForm.email'), client.email)}
          {field(t('clientForm.phone'), client.phone)}
          {field(t('clientForm.birthDate'), client.birthDate && formatDay(client.birthDate, i18n.language))}
        </SimpleGrid>
      </Paper>
      <Stack gap="sm" component="section" aria-labelledby="client-groups-heading">
        <Title order={2} size="h3" id="client-groups-heading">
          {t('client.groups')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('client.groupsHint')}
        </Text>
        <Paper withBorder radius="md">
          {sorted.length === 0 ? (
            <Text c="dimmed" p="lg" ta="center">
              {t('client.noGroups')}
            </Text>
          ) : (
            <Table verticalSpacing="sm" horizontalSpacing="md" aria-label={t('client.groups')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('groups.columns.name')}</Table.Th>
                  <Table.Th scope="col">{t('group.columns.start')}</Table.Th>
                  <Table.Th scope="col">{t('group.columns.end')}</Table.Th>
                  <Table.Th scope="col">{t('group.columns.status')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {sorted.map((m) => {
                  const status = membershipStatus(m, day);
                  return (
                    <Table.Tr key={m.id} data-testid="client-group-row">
                      <Table.Td>
                        {m.group ? (
                          <Link className="row-link" to={`/groups/${encodeURIComponent(m.groupId)}`}>
                            {m.group.name}
                          </Link>
                        ) : (
                          <Text c="dimmed" fs="italic" size="sm">
                            {t('client.deletedGroup')}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>{formatDay(m.startDate, i18n.language)}</Table.Td>
                      <Table.Td>
                        {m.endDate ? formatDay(m.endDate, i18n.language) : t('group.noEndDate')}
                      </Table.Td>
                      <Table.Td>
                        <StatusBadge status={status} />
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          )}
        </Paper>
      </Stack>
      <ClientFormDialog
        opened={editing}
        client={client}
        onClose={() => setEditing(false)}
        onSave={async (input) => {
          await updateClient(client.id, input);
          setEditing(false);
        }}
      />
    </Stack>
  );
}
