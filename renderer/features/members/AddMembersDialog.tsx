/**
 * "Add member": a client search (a combobox, results from 2 typed characters, by name,
 * email or phone; existing members shown and not selectable), several clients at once, and
 * one period. The search runs on the clients list's pre-folded index (useClients), and the
 * combobox gets only what it shows — the chosen clients and at most 50 results — not an
 * option for each of 100,000 clients, which it would parse again on every keystroke.
 */
import { Button, Group as Row, Modal, MultiSelect, Stack, type OptionsFilter } from '@mantine/core';
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { FormAlert } from '../../components/FormAlert';
import { useSave } from '../../components/useSave';
import type { Client } from '../../../domain/client';
import { today } from '../../../domain/dates';
import type { MembershipPeriod } from '../../../domain/membership';
import { PeriodFields } from './PeriodFields';
import { periodErrors } from './periodErrors';

type Props = {
  opened: boolean;
  groupName: string;
  clients: Client[];
  /** The clients matching a search term, by name, up to `limit`. */
  findClients(term: string, limit: number): Client[];
  memberClientIds: ReadonlySet<string>;
  onClose(): void;
  onAdd(clientIds: string[], period: MembershipPeriod): Promise<unknown>;
};

const MAX_RESULTS = 50;

export function AddMembersDialog({
  opened,
  groupName,
  clients,
  findClients,
  memberClientIds,
  onClose,
  onAdd,
}: Props) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={t('memberForm.addTitle', { group: groupName })}
      size="lg"
      centered
    >
      {opened && (
        <AddMembersForm
          clients={clients}
          findClients={findClients}
          memberClientIds={memberClientIds}
          onCancel={onClose}
          onAdd={onAdd}
        />
      )}
    </Modal>
  );
}

/** The combobox filters nothing itself: its options are the results already. */
const shownAsGiven: OptionsFilter = ({ options }) => options;

function AddMembersForm({
  clients,
  findClients,
  memberClientIds,
  onCancel,
  onAdd,
}: Omit<Props, 'opened' | 'groupName' | 'onClose'> & { onCancel(): void }) {
  const { t } = useTranslation();
  const [selected, setSelected] = useState<string[]>([]);
  const [search, setSearch] = useState('');
  const [startDate, setStartDate] = useState(today());
  const [endDate, setEndDate] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const { saving, error: saveError, save } = useSave((message) => message);
  const byId = useMemo(() => new Map(clients.map((c) => [c.id, c])), [clients]);
  const tooShort = search.trim().length < 2;
  const data = useMemo(() => {
    const option = (c: Client) => ({
      value: c.id,
      label: memberClientIds.has(c.id) ? `${c.name} — ${t('memberForm.alreadyMember')}` : c.name,
      disabled: memberClientIds.has(c.id),
    });
    const chosen = selected.flatMap((id) => {
      const client = byId.get(id);
      return client ? [option(client)] : [];
    });
    if (tooShort) return chosen;
    const picked = new Set(selected);
    // The chosen clients are hidden from the results: ask for that many more.
    const found = findClients(search, MAX_RESULTS + picked.size)
      .filter((c) => !picked.has(c.id))
      .slice(0, MAX_RESULTS);
    return [...chosen, ...found.map(option)];
  }, [byId, findClients, memberClientIds, search, selected, t, tooShort]);
  const { period, errors } = periodErrors(startDate, endDate);
  const clientError = submitted && selected.length === 0 ? t('memberForm.errors.clients') : undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!period || selected.length === 0) return;
    await save(() => onAdd(selected, period));
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack gap="md">
        <FormAlert message={saveError} />
        <MultiSelect
          label={t('memberForm.client')}
          description={t('memberForm.clientHint')}
          placeholder={t('memberForm.clientPlaceholder')}
          data={data}
          value={selected}
          onChange={setSelected}
          searchable
          searchValue={search}
          onSearchChange={setSearch}
          filter={shownAsGiven}
          nothingFoundMessage={
            tooShort ? t('memberForm.typeMore') : t('memberForm.noMatches', { term: search.trim() })
          }
          renderOption={({ option }) => {
            const client = byId.get(option.value);
            return (
              // Plain elements: up to 50 options re-render on every keystroke.
              <div>
                <div>{option.label}</div>
                {client?.email && <div className="muted small">{client.email}</div>}
              </div>
            );
          }}
          error={clientError}
          hidePickedOptions
          clearable
          required
          data-autofocus
          comboboxProps={{ withinPortal: true }}
        />
        <PeriodFields
          startDate={startDate}
          endDate={endDate}
          errors={errors}
          onStartDate={setStartDate}
          onEndDate={setEndDate}
        />
        <Row justify="flex-end" gap="sm" mt="sm">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={saving}>
            {selected.length > 0 ? t('memberForm.add', { count: selected.length }) : t('memberForm.addNone')}
          </Button>
        </Row>
      </Stack>
    </form>
  );
}
