/** The "New group" dialog: the domain's rules, shown per field as the user types and on submit. */
import { Button, Group as Row, Modal, Stack, Textarea, TextInput } from '@mantine/core';
import { memo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { FormAlert } from '../../components/FormAlert';
import { useSave } from '../../components/useSave';
import {
  GROUP_DESCRIPTION_MAX,
  GROUP_NAME_MAX,
  groupFieldErrors,
  checkedGroupInputSchema,
  type CheckedGroupInput,
} from '../../../domain/group';

type Props = {
  opened: boolean;
  onClose(): void;
  onCreate(input: CheckedGroupInput): Promise<unknown>;
};

const MAX = { name: GROUP_NAME_MAX, description: GROUP_DESCRIPTION_MAX } as const;

export const NewGroupDialog = memo(function NewGroupDialog({ opened, onClose, onCreate }: Props) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('groupForm.title')} size="lg" centered>
      {/* Mounted only while open, so every opening starts from an empty form. */}
      {opened && <NewGroupForm onCancel={onClose} onCreate={onCreate} t={t} />}
    </Modal>
  );
});

function NewGroupForm({
  onCancel,
  onCreate,
  t,
}: {
  onCancel(): void;
  onCreate: Props['onCreate'];
  t: ReturnType<typeof useTranslation>['t'];
}) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const { saving, error: saveError, save } = useSave((message) => t('groupForm.errors.save', { message }));

  const parsed = checkedGroupInputSchema.safeParse({ name, description, metadata: {} });
  const errors: Partial<Record<'name' | 'description', string>> = {};
  if (!parsed.success) {
    for (const { field, key } of groupFieldErrors(parsed.error)) {
      if (field !== 'name' && field !== 'description') continue;
      // Too long shows at once; "required" only after a submit attempt.
      if (key.endsWith('required') && !submitted) continue;
      errors[field] ??= t(`groupForm.errors.${key}`, { max: MAX[field] });
    }
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!parsed.success) return;
    await save(() => onCreate(parsed.data));
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack gap="md">
        <FormAlert message={saveError} />
        <TextInput
          label={t('groupForm.name')}
          placeholder={t('groupForm.namePlaceholder')}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={errors.name}
          description={t('groupForm.characters', { count: name.trim().length, max: GROUP_NAME_MAX })}
          inputWrapperOrder={['label', 'input', 'error', 'description']}
          required
          data-autofocus
        />
        <Textarea
          label={t('groupForm.description')}
          placeholder={t('groupForm.descriptionPlaceholder')}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          error={errors.description}
          description={t('groupForm.characters', {
            count: description.trim().length,
            max: GROUP_DESCRIPTION_MAX,
          })}
          inputWrapperOrder={['label', 'input', 'error', 'description']}
          autosize
          minRows={3}
          maxRows={8}
        />
        <Row justify="flex-end" gap="sm" mt="sm">
          <Button variant="default" onClick={onCancel}>
            {t('groupForm.cancel')}
          </Button>
          <Button type="submit" loading={saving}>
            {t('groupForm.create')}
          </Button>
        </Row>
      </Stack>
    </form>
  );
}
