/** The Members section of a group: filter by date, sort, pages, add / edit / remove. */
import { Button, Group as Row, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isCalendarDate, today } from '../../../domain/dates';
import type { Group } from '../../../domain/group';
import { isMemberOn } from '../../../domain/membership';
import { PAGE_SIZE, Pager, pageCount } from '../../components/Pager';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { useMembershipMutations, type Member } from '../../data/members';
import { formatDay } from '../../format';
import { AddMembersDialog } from './AddMembersDialog';
import { useClients } from '../../data/clients';
import type { MembershipPeriod } from '../../../domain/membership';
import { EditMembershipDialog } from './EditMembershipDialog';
import { memberName, MembersTable, type MemberSort } from './MembersTable';
import { MembershipTimeline } from './MembershipTimeline';

type Props = { group: Group; members: Member[]; mayManage: boolean };

export function MembersSection({ group, members, mayManage }: Props) {
  const { t, i18n } = useTranslation();
  const { addMembers, updateMembership, removeMember } = useMembershipMutations();
  const [onDate, setOnDate] = useState('');
  const [sort, setSort] = useState<MemberSort>('name');
  const [page, setPage] = useState(1);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<Member | null>(null);
  const [removing, setRemoving] = useState<Member | null>(null);
  const day = today();
  const unknown = t('group.unknownClient');

  const shown = useMemo(() => {
    const filtered = isCalendarDate(onDate) ? members.filter((m) => isMemberOn(m, onDate)) : members;
    const collator = new Intl.Collator(i18n.language, { sensitivity: 'base', numeric: true });
    const byName = (a: Member, b: Member) => collator.compare(memberName(a, unknown), memberName(b, unknown));
    const byStart = (a: Member, b: Member) => a.startDate.localeCompare(b.startDate) || byName(a, b);
    const compare = sort.endsWith('name') ? byName : byStart;
    const sign = sort.startsWith('-') ? -1 : 1;
    return [...filtered].sort((a, b) => compare(a, b) * sign);
  }, [members, onDate, sort, i18n.language, unknown]);
  const pages = pageCount(shown.length);
  const current = Math.min(page, pages);
  const pageMembers = shown.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE);
  const memberIds = useMemo(() => new Set(members.map((m) => m.clientId)), [members]);

  return (
    <Stack gap="sm" component="section" aria-labelledby="members-heading">
      <Row justify="space-between" align="flex-end">
        <Title order={2} size="h3" id="members-heading">
          {t('group.members')}
        </Title>
        {mayManage && <Button onClick={() => setAdding(true)}>{t('group.addMember')}</Button>}
      </Row>
      <Row align="flex-end" gap="sm">
        <TextInput
          type="date"
          label={t('group.membersOnDate')}
          description={t('group.membersOnDateHint')}
          inputWrapperOrder={['label', 'input', 'description']}
          value={onDate}
          onChange={(e) => {
            setOnDate(e.currentTarget.value);
            setPage(1);
          }}
          w={220}
        />
        {onDate && (
          <Button variant="subtle" onClick={() => setOnDate('')} mb={22}>
            {t('group.clearDate')}
          </Button>
        )}
      </Row>
      {isCalendarDate(onDate) && (
        <Text size="sm" c="dimmed" aria-live="polite">
          {t('group.showingOnDate', { date: formatDay(onDate, i18n.language) })}
        </Text>
      )}
      <Paper withBorder radius="md">
        {shown.length === 0 ? (
          <Text c="dimmed" p="lg" ta="center">
            {isCalendarDate(onDate)
              ? t('group.noMembersOnDate', { date: formatDay(onDate, i18n.language) })
              : t('group.noMembers')}
          </Text>
        ) : (
          <>
            <MembersTable
              members={pageMembers}
              day={day}
              sort={sort}
              onSort={(s) => {
                setSort(s);
                setPage(1);
              }}
              mayManage={mayManage}
              onEdit={setEditing}
              onRemove={setRemoving}
            />
            <Pager page={current} total={shown.length} onPage={setPage} label={t('group.members')} />
          </>
        )}
      </Paper>

      {/* The timeline follows the table: the same filter, order and page, so it stays readable for large groups. */}
      <Stack gap="xs" component="section" aria-labelledby="timeline-heading" mt="md">
        <Title order={3} size="h4" id="timeline-heading">
          {t('group.timeline')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('group.timelineHint')}
        </Text>
        <Paper withBorder radius="md" p="md">
          <MembershipTimeline members={pageMembers} day={day} />
        </Paper>
      </Stack>

      {adding && (
        <AddMembersContainer
          groupName={group.name}
          memberClientIds={memberIds}
          onClose={() => setAdding(false)}
          onAdd={async (clientIds, period) => {
            await addMembers(group.id, clientIds, period);
            setAdding(false);
          }}
        />
      )}
      <EditMembershipDialog
        membership={editing && { ...editing, clientName: memberName(editing, unknown) }}
        onClose={() => setEditing(null)}
        onSave={async (period) => {
          if (editing) await updateMembership(editing.id, period);
          setEditing(null);
        }}
      />
      <ConfirmDialog
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        title={t('group.removeTitle')}
        confirmLabel={t('group.removeConfirm')}
        onConfirm={async () => {
          if (removing) await removeMember(removing.id);
        }}
      >
        {removing && t('group.removeBody', { name: memberName(removing, unknown), group: group.name })}
      </ConfirmDialog>
    </Stack>
  );
}

/** Reads every client only while the dialog is open: opening a group stays quick. */
function AddMembersContainer(props: {
  groupName: string;
  memberClientIds: ReadonlySet<string>;
  onClose(): void;
  onAdd(clientIds: string[], period: MembershipPeriod): Promise<unknown>;
}) {
  const { clients, find } = useClients('');
  return <AddMembersDialog opened clients={clients ?? []} findClients={find} {...props} />;
}
