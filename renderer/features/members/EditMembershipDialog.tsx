/** Changes a membership's start and end date. */
import { Button, Group as Row, Modal, Stack, Text } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MembershipPeriod } from '../../../domain/membership';
import { PeriodFields } from './PeriodFields';
import { periodErrors } from './periodErrors';

type Props = {
  membership: (MembershipPeriod & { clientName: string }) | null;
  onClose(): void;
  onSave(period: MembershipPeriod): Promise<unknown>;
};

export function EditMembershipDialog({ membership, onClose, onSave }: Props) {
  const { t } = useTranslation();
  return (
    <Modal opened={membership !== null} onClose={onClose} title={t('memberForm.editTitle')} centered>
      {membership && <EditForm membership={membership} onCancel={onClose} onSave={onSave} />}
    </Modal>
  );
}

function EditForm({
  membership,
  onCancel,
  onSave,
}: {
  membership: NonNullable<Props['membership']>;
  onCancel(): void;
  onSave: Props['onSave'];
}) {
  const { t } = useTranslation();
  const [startDate, setStartDate] = useState(membership.startDate);
  const [endDate, setEndDate] = useState(membership.endDate ?? '');
  const [saving, setSaving] = useState(false);
  const { period, errors } = periodErrors(startDate, endDate);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!period) return;
    setSaving(true);
    try {
      await onSave(period);
    } finally {
      setSaving(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack gap="md">
        <Text fw={600}>{membership.clientName}</Text>
        <PeriodFields
          startDate={startDate}
          endDate={endDate}
          errors={errors}
          onStartDate={setStartDate}
          onEndDate={setEndDate}
          autoFocus
        />
        <Row justify="flex-end" gap="sm">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={saving}>
            {t('memberForm.save')}
          </Button>
        </Row>
      </Stack>
    </form>
  );
}
