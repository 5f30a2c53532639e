/** One group: details (with edit), members, the membership timeline, and deletion. */
import { Anchor, Button, Center, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { today } from '../../../domain/dates';
import { isMemberOn } from '../../../domain/membership';
import { can } from '../../../domain/permissions';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { useGroup, useGroupMutations } from '../../data/groups';
import { useGroupMembers } from '../../data/members';
import { useSessionStore } from '../../stores';
import { MembersSection } from '../members/MembersSection';
import { GroupHeader } from './GroupHeader';

export function GroupDetailScreen() {
  const { t } = useTranslation();
  const { groupId = '' } = useParams();
  const navigate = useNavigate();
  const permissions = useSessionStore((s) => s.session?.permissions ?? []);
  const group = useGroup(groupId);
  const members = useGroupMembers(groupId);
  const { updateGroup, deleteGroups } = useGroupMutations();
  const [confirmDelete, setConfirmDelete] = useState(false);

  const back = (
    <Anchor component={Link} to="/groups" size="sm">
      ← {t('group.back')}
    </Anchor>
  );
  if (group === undefined || members === null) {
    return (
      <Center p="xl">
        <Loader size="sm" />
      </Center>
    );
  }
  if (group === null) {
    return (
      <Stack gap="md">
        {back}
        <Text>{t('common.notFound')}</Text>
      </Stack>
    );
  }
  const day = today();
  const active = members.filter((m) => isMemberOn(m, day)).length;

  return (
    <Stack gap="xl" maw={1100}>
      <Stack gap="xs">
        {back}
        <GroupHeader
          group={group}
          memberCount={members.length}
          activeCount={active}
          mayEdit={can(permissions, 'client_groups.update')}
          onSave={(input) => updateGroup(group.id, input)}
        />
      </Stack>

      <MembersSection
        group={group}
        members={members}
        mayManage={can(permissions, 'client_groups.manage_members')}
      />

      {can(permissions, 'client_groups.delete') && (
        <Paper
          withBorder
          radius="md"
          p="lg"
          component="section"
          aria-labelledby="danger-heading"
          style={{ borderColor: 'var(--mantine-color-red-3)' }}
        >
          <Stack gap="sm" align="flex-start">
            <Title order={2} size="h4" id="danger-heading">
              {t('group.dangerZone')}
            </Title>
            <Text size="sm">{t('group.dangerBody')}</Text>
            <Button color="red" variant="light" onClick={() => setConfirmDelete(true)}>
              {t('group.deleteButton')}
            </Button>
          </Stack>
        </Paper>
      )}
      <ConfirmDialog
        opened={confirmDelete}
        onClose={() => setConfirmDelete(false)}
        title={t('group.deleteTitle', { name: group.name })}
        confirmLabel={t('group.deleteConfirm')}
        onConfirm={async () => {
          await deleteGroups([group.id]);
          void navigate('/groups');
        }}
      >
        {t('group.deleteBody', { count: members.length })}
      </ConfirmDialog>
    </Stack>
  );
}
