/** Clients: search, the list in pages of 20, and "New client". */
import { Button, Center, Group as Row, Loader, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { can } from '../../../domain/permissions';
import { PAGE_SIZE, Pager, pageCount } from '../../components/Pager';
import { SearchInput } from '../../components/SearchInput';
import { useClientMutations, useClients } from '../../data/clients';
import { formatDay } from '../../format';
import { useClientsView, useSessionStore } from '../../stores';
import { ClientFormDialog } from './ClientFormDialog';

export function ClientsScreen() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const permissions = useSessionStore((s) => s.session?.permissions ?? []);
  const view = useClientsView();
  const { clients, total } = useClients(view.search);
  const { createClient } = useClientMutations();
  const [creating, setCreating] = useState(false);
  const mayWrite = can(permissions, 'clients.write');
  const setSearch = useCallback((term: string) => view.setSearch(term), [view]);
  const pages = pageCount(clients?.length ?? 0);
  const page = Math.min(view.page, pages);
  const dash = t('clients.notSet');

  return (
    <Stack gap="lg" maw={1100}>
      <Row justify="space-between" align="flex-end">
        <div>
          <Title order={1} size="h2">
            {t('clients.title')}
          </Title>
          <Text c="dimmed" size="sm">
            {t('clients.count', { count: clients?.length ?? 0 })}
          </Text>
        </div>
        {mayWrite && <Button onClick={() => setCreating(true)}>{t('clients.new')}</Button>}
      </Row>
      {total > 0 && (
        <SearchInput
          value={view.search}
          onSearch={setSearch}
          label={t('clients.search')}
          placeholder={t('clients.searchPlaceholder')}
        />
      )}
      <Paper withBorder radius="md">
        {clients === null ? (
          <Center p="xl">
            <Loader size="sm" />
          </Center>
        ) : total === 0 ? (
          <Stack align="center" gap="xs" p={48}>
            <Title order={2} size="h4">
              {t('clients.empty.title')}
            </Title>
            <Text c="dimmed">{t('clients.empty.body')}</Text>
          </Stack>
        ) : clients.length === 0 ? (
          <Text c="dimmed" p="xl" ta="center">
            {t('clients.noResults', { term: view.search.trim() })}
          </Text>
        ) : (
          <>
            <Table
              verticalSpacing="sm"
              horizontalSpacing="md"
              highlightOnHover
              aria-label={t('clients.title')}
            >
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('clients.columns.name')}</Table.Th>
                  <Table.Th scope="col">{t('clients.columns.email')}</Table.Th>
                  <Table.Th scope="col">{t('clients.columns.phone')}</Table.Th>
                  <Table.Th scope="col">{t('clients.columns.birthDate')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {clients.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map((c) => (
                  <Table.Tr key={c.id} data-testid="client-row">
                    <Table.Td>
                      <Link className="row-link" to={`/clients/${encodeURIComponent(c.id)}`}>
                        {c.name}
                      </Link>
                    </Table.Td>
                    <Table.Td>{c.email ?? dash}</Table.Td>
                    <Table.Td>{c.phone ?? dash}</Table.Td>
                    <Table.Td>{c.birthDate ? formatDay(c.birthDate, i18n.language) : dash}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Pager page={page} total={clients.length} onPage={view.setPage} label={t('clients.title')} />
          </>
        )}
      </Paper>
      <ClientFormDialog
        opened={creating}
        client={null}
        onClose={() => setCreating(false)}
        onSave={async (input) => {
          const client = await createClient(input);
          setCreating(false);
          void navigate(`/clients/${encodeURIComponent(client.id)}`);
        }}
      />
    </Stack>
  );
}
