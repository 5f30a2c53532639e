/**
 * "Add member": a client search (a combobox, results from 2 typed characters, by name or
 * email; existing members shown and not selectable), several clients at once, and one period.
 */
import {
  Button,
  Group as Row,
  Modal,
  MultiSelect,
  Stack,
  type ComboboxItem,
  type OptionsFilter,
} from '@mantine/core';
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { FormAlert } from '../../components/FormAlert';
import { useSave } from '../../components/useSave';
import type { Client } from '../../../domain/client';
import { today } from '../../../domain/dates';
import type { MembershipPeriod } from '../../../domain/membership';
import { matchesSearch } from '../../../domain/search';
import { PeriodFields } from './PeriodFields';
import { periodErrors } from './periodErrors';

type Props = {
  opened: boolean;
  groupName: string;
  clients: Client[];
  memberClientIds: ReadonlySet<string>;
  onClose(): void;
  onAdd(clientIds: string[], period: MembershipPeriod): Promise<unknown>;
};

const MAX_RESULTS = 50;

export function AddMembersDialog({ opened, groupName, clients, memberClientIds, onClose, onAdd }: Props) {
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
          memberClientIds={memberClientIds}
          onCancel={onClose}
          onAdd={onAdd}
        />
      )}
    </Modal>
  );
}

function AddMembersForm({
  clients,
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
  const data = useMemo(
    () =>
      clients.map((c) => ({
        value: c.id,
        label: memberClientIds.has(c.id) ? `${c.name} — ${t('memberForm.alreadyMember')}` : c.name,
        disabled: memberClientIds.has(c.id),
      })),
    [clients, memberClientIds, t],
  );
  const { period, errors } = periodErrors(startDate, endDate);
  const clientError = submitted && selected.length === 0 ? t('memberForm.errors.clients') : undefined;
  const tooShort = search.trim().length < 2;

  const filter: OptionsFilter = ({ options, search: term }) => {
    if (term.trim().length < 2) return [];
    const out: ComboboxItem[] = [];
    for (const option of options) {
      if (!('value' in option)) continue;
      const client = byId.get(option.value);
      if (client && matchesSearch([client.name, client.email], term)) out.push(option);
      if (out.length >= MAX_RESULTS) break;
    }
    return out;
  };

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
          filter={filter}
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
