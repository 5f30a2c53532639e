/** Groups overview: search, sort, pages of 20, selection with export and delete, and "New group". */
import { Button, Center, Group as Row, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { today } from '../../../domain/dates';
import type { CheckedGroupInput } from '../../../domain/group';
import { can } from '../../../domain/permissions';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { PAGE_SIZE, Pager, pageCount } from '../../components/Pager';
import { SearchInput } from '../../components/SearchInput';
import { useStableCallback } from '../../components/useStableCallback';
import { useCountedRows, useExportData, useGroupMutations, useGroups } from '../../data/groups';
import { useGroupsView, useSessionStore } from '../../stores';
import { groupsCsv, saveCsv } from './exportCsv';
import { GroupsTable } from './GroupsTable';
import { NewGroupDialog } from './NewGroupDialog';

export function GroupsScreen() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const permissions = useSessionStore((s) => s.session?.permissions ?? []);
  const view = useGroupsView();
  const { groups, total } = useGroups(view.search, view.sort);
  const { createGroup, deleteGroups } = useGroupMutations();
  const exportData = useExportData();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const mayCreate = can(permissions, 'client_groups.create');
  const mayDelete = can(permissions, 'client_groups.delete');
  // Stable callbacks keep the memoised parts (heading, dialogs) still while the user types.
  const openNewGroup = useStableCallback(() => view.setNewGroupOpen(true));
  const closeNewGroup = useStableCallback(() => view.setNewGroupOpen(false));
  const closeConfirm = useStableCallback(() => setConfirmDelete(false));

  const pages = pageCount(groups?.length ?? 0);
  const page = Math.min(view.page, pages);
  const visible = useCountedRows(groups?.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE) ?? []);
  // Selection only ever holds groups that still exist (another device may delete one).
  const selected = new Set([...view.selected].filter((id) => groups?.some((g) => g.id === id)));

  const createAndOpen = useStableCallback(async (input: CheckedGroupInput) => {
    const group = await createGroup(input);
    view.setNewGroupOpen(false);
    // Consistently: a new group opens, ready for its members.
    void navigate(`/groups/${encodeURIComponent(group.id)}`);
  });
  const deleteSelected = useStableCallback(async () => {
    await deleteGroups([...selected]);
    view.setSelected(new Set());
  });

  const exportSelected = async () => {
    const data = await exportData([...selected]);
    await saveCsv(`cohort-groups-${today()}.csv`, groupsCsv(data.groups, data.memberships, data.clients, t));
  };

  return (
    <Stack gap="lg" maw={1100}>
      <GroupsHeading count={groups?.length ?? 0} mayCreate={mayCreate} onNew={openNewGroup} />

      {total > 0 && (
        <SearchInput
          value={view.search}
          onSearch={view.setSearch}
          label={t('groups.search')}
          placeholder={t('groups.searchPlaceholder')}
        />
      )}

      {selected.size > 0 && (
        <Paper
          withBorder
          radius="md"
          px="md"
          py="xs"
          bg="teal.0"
          role="toolbar"
          aria-label={t('groups.selected', { count: selected.size })}
        >
          <Row justify="space-between">
            <Text size="sm" fw={600}>
              {t('groups.selected', { count: selected.size })}
            </Text>
            <Row gap="xs">
              <Button size="xs" variant="default" onClick={() => void exportSelected()}>
                {t('groups.exportCsv')}
              </Button>
              {mayDelete && (
                <Button size="xs" color="red" variant="light" onClick={() => setConfirmDelete(true)}>
                  {t('groups.deleteSelected')}
                </Button>
              )}
              <Button size="xs" variant="subtle" onClick={() => view.setSelected(new Set())}>
                {t('groups.clearSelection')}
              </Button>
            </Row>
          </Row>
        </Paper>
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
              <Button mt="sm" onClick={openNewGroup}>
                {t('groups.new')}
              </Button>
            )}
          </Stack>
        ) : groups.length === 0 ? (
          <Stack align="center" gap="xs" p={40}>
            <Text c="dimmed">{t('groups.noResults', { term: view.search.trim() })}</Text>
            <Button variant="subtle" onClick={() => view.setSearch('')}>
              {t('groups.clearSearch')}
            </Button>
          </Stack>
        ) : (
          <>
            <GroupsTable
              groups={visible}
              sort={view.sort}
              onToggleSort={view.toggleSort}
              selected={selected}
              onSelect={view.setSelected}
              selectable
            />
            <Pager page={page} total={groups.length} onPage={view.setPage} label={t('groups.title')} />
          </>
        )}
      </Paper>

      <NewGroupDialog opened={view.newGroupOpen} onClose={closeNewGroup} onCreate={createAndOpen} />
      <ConfirmDialog
        opened={confirmDelete}
        onClose={closeConfirm}
        title={t('groups.bulkDelete.title', { count: selected.size })}
        confirmLabel={t('groups.bulkDelete.confirm', { count: selected.size })}
        onConfirm={deleteSelected}
      >
        {t('groups.bulkDelete.body')}
      </ConfirmDialog>
    </Stack>
  );
}

/** Title, count and "New group"; memoised, so a keystroke re-renders only the count. */
const GroupsHeading = memo(function GroupsHeading({
  count,
  mayCreate,
  onNew,
}: {
  count: number;
  mayCreate: boolean;
  onNew(): void;
}) {
  const { t } = useTranslation();
  return (
    <Row justify="space-between" align="flex-end">
      <div>
        <Title order={1} size="h2">
          {t('groups.title')}
        </Title>
        <Text c="dimmed" size="sm" data-testid="groups-count">
          {t('groups.count', { count })}
        </Text>
      </div>
      {mayCreate && <Button onClick={onNew}>{t('groups.new')}</Button>}
    </Row>
  );
});
