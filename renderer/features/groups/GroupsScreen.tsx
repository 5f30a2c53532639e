/** Groups overview: search, the list, and the "New group" dialog. */
import { Button, Center, Group as Row, Loader, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { can } from '../../../domain/permissions';
import { useGroupMutations, useGroups } from '../../data/groups';
import { useGroupsView, useSessionStore } from '../../stores';
import { GroupsTable } from './GroupsTable';
import { NewGroupDialog } from './NewGroupDialog';

export function GroupsScreen() {
  const { t } = useTranslation();
  const permissions = useSessionStore((s) => s.session?.permissions ?? []);
  const { search, setSearch, newGroupOpen, setNewGroupOpen } = useGroupsView();
  const { groups, total } = useGroups(search);
  const { createGroup } = useGroupMutations();
  const mayCreate = can(permissions, 'client_groups.create');

  return (
    <Stack gap="lg" maw={1100}>
      <Row justify="space-between" align="flex-end">
        <div>
          <Title order={1} size="h2">
            {t('groups.title')}
          </Title>
          <Text c="dimmed" size="sm" data-testid="groups-count">
            {t('groups.count', { count: groups?.length ?? 0 })}
          </Text>
        </div>
        {mayCreate && <Button onClick={() => setNewGroupOpen(true)}>{t('groups.new')}</Button>}
      </Row>

      {total > 0 && (
        <TextInput
          aria-label={t('groups.search')}
          placeholder={t('groups.searchPlaceholder')}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          type="search"
          maw={420}
        />
      )}

      <Paper withBorder radius="md">
        {groups === null ? (
          <Center p="xl">
            <Loader size="sm" aria-label={t('groups.loading')} />
          </Center>
        ) : total === 0 ? (
          <Stack align="center" gap="xs" p={48}>
            <Title order={2} size="h4">
              {t('groups.empty.title')}
            </Title>
            <Text c="dimmed" ta="center" maw={420}>
              {mayCreate ? t('groups.empty.body') : t('groups.empty.bodyReadOnly')}
            </Text>
            {mayCreate && (
              <Button mt="sm" onClick={() => setNewGroupOpen(true)}>
                {t('groups.new')}
              </Button>
            )}
          </Stack>
        ) : groups.length === 0 ? (
          <Stack align="center" gap="xs" p={40}>
            <Text c="dimmed">{t('groups.noResults', { term: search.trim() })}</Text>
            <Button variant="subtle" onClick={() => setSearch('')}>
              {t('groups.clearSearch')}
            </Button>
          </Stack>
        ) : (
          <GroupsTable groups={groups} />
        )}
      </Paper>

      <NewGroupDialog
        opened={newGroupOpen}
        onClose={() => setNewGroupOpen(false)}
        onCreate={async (input) => {
          await createGroup(input);
          setNewGroupOpen(false);
        }}
      />
    </Stack>
  );
}
