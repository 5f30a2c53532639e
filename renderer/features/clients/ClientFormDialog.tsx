/** Create or edit a client: name required; email, phone and birth date optional. */
import { Button, Group as Row, Modal, Stack, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { FormAlert } from '../../components/FormAlert';
import { useSave } from '../../components/useSave';
import {
  CLIENT_EMAIL_MAX,
  CLIENT_NAME_MAX,
  CLIENT_PHONE_MAX,
  clientInputSchema,
  type Client,
  type ClientInput,
} from '../../../domain/client';

type Props = {
  opened: boolean;
  client: Client | null;
  onClose(): void;
  onSave(input: ClientInput): Promise<unknown>;
};

const MAX: Record<string, number> = {
  name: CLIENT_NAME_MAX,
  email: CLIENT_EMAIL_MAX,
  phone: CLIENT_PHONE_MAX,
};

export function ClientFormDialog({ opened, client, onClose, onSave }: Props) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={client ? t('clientForm.editTitle') : t('clientForm.newTitle')}
      centered
    >
      {opened && <ClientForm client={client} onCancel={onClose} onSave={onSave} />}
    </Modal>
  );
}

function ClientForm({
  client,
  onCancel,
  onSave,
}: {
  client: Client | null;
  onCancel(): void;
  onSave: Props['onSave'];
}) {
  const { t } = useTranslation();
  const [values, setValues] = useState({
    name: client?.name ?? '',
    email: client?.email ?? '',
    phone: client?.phone ?? '',
    birthDate: client?.birthDate ?? '',
  });
  const [submitted, setSubmitted] = useState(false);
  const { saving, error: saveError, save } = useSave((message) => t('clientForm.errors.save', { message }));
  const input = {
    name: values.name,
    ...(values.email.trim() ? { email: values.email } : {}),
    ...(values.phone.trim() ? { phone: values.phone } : {}),
    ...(values.birthDate ? { birthDate: values.birthDate } : {}),
  };
  const parsed = clientInputSchema.safeParse(input);
  const errors: Record<string, string> = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? '');
      if (issue.message.endsWith('required') && !submitted) continue;
      errors[field] ??= t(`clientForm.errors.${issue.message}`, { max: MAX[field] });
    }
  }
  const set = (field: keyof typeof values) => (e: { currentTarget: HTMLInputElement }) => {
    const value = e.currentTarget.value;
    setValues((v) => ({ ...v, [field]: value }));
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!parsed.success) return;
    await save(() => onSave(parsed.data));
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack gap="md">
        <FormAlert message={saveError} />
        <TextInput
          label={t('clientForm.name')}
          value={values.name}
          onChange={set('name')}
          error={errors.name}
          required
          data-autofocus
        />
        <TextInput
          label={t('clientForm.email')}
          type="email"
          value={values.email}
          onChange={set('email')}
          error={errors.email}
        />
        <TextInput
          label={t('clientForm.phone')}
          type="tel"
          value={values.phone}
          onChange={set('phone')}
          error={errors.phone}
        />
        <TextInput
          label={t('clientForm.birthDate')}
          type="date"
          value={values.birthDate}
          onChange={set('birthDate')}
          error={errors.birthDate}
        />
        <Row justify="flex-end" gap="sm" mt="sm">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={saving}>
            {client ? t('clientForm.save') : t('clientForm.create')}
          </Button>
        </Row>
      </Stack>
    </form>
  );
}
