/** The group's name and description, with an edit mode (Save / Cancel discards). */
import { Button, Group as Row, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { FormAlert } from '../../components/FormAlert';
import { useSave } from '../../components/useSave';
import {
  GROUP_DESCRIPTION_MAX,
  GROUP_NAME_MAX,
  groupFieldErrors,
  checkedGroupInputSchema,
  type Group,
  type CheckedGroupInput,
} from '../../../domain/group';

type Props = {
  group: Group;
  memberCount: number;
  activeCount: number;
  mayEdit: boolean;
  onSave(input: CheckedGroupInput): Promise<void>;
};

const MAX = { name: GROUP_NAME_MAX, description: GROUP_DESCRIPTION_MAX } as const;

export function GroupHeader({ group, memberCount, activeCount, mayEdit, onSave }: Props) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  if (editing)
    return (
      <GroupEditForm
        group={group}
        onCancel={() => setEditing(false)}
        onSave={async (input) => {
          await onSave(input);
          setEditing(false);
        }}
      />
    );
  return (
    <Row justify="space-between" align="flex-start" wrap="nowrap">
      <Stack gap={4}>
        <Title order={1} size="h2">
          {group.name}
        </Title>
        {group.description ? (
          <Text maw={720} style={{ whiteSpace: 'pre-wrap' }}>
            {group.description}
          </Text>
        ) : (
          <Text c="dimmed" fs="italic">
            {t('groups.noDescription')}
          </Text>
        )}
        <Text size="sm" c="dimmed" data-testid="member-summary">
          {t('group.memberCount', { count: memberCount, active: activeCount })}
        </Text>
      </Stack>
      {mayEdit && (
        <Button variant="default" onClick={() => setEditing(true)}>
          {t('group.edit')}
        </Button>
      )}
    </Row>
  );
}

function GroupEditForm({
  group,
  onCancel,
  onSave,
}: {
  group: Group;
  onCancel(): void;
  onSave(input: CheckedGroupInput): Promise<void>;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState(group.name);
  const [description, setDescription] = useState(group.description);
  const { saving, error: saveError, save } = useSave((message) => t('groupForm.errors.save', { message }));
  const parsed = checkedGroupInputSchema.safeParse({ name, description, metadata: group.metadata });
  const errors: Partial<Record<'name' | 'description', string>> = {};
  if (!parsed.success) {
    for (const { field, key } of groupFieldErrors(parsed.error)) {
      if (field === 'name' || field === 'description')
        errors[field] ??= t(`groupForm.errors.${key}`, { max: MAX[field] });
    }
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!parsed.success) return;
    await save(() => onSave(parsed.data));
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label={t('group.editTitle')}>
      <Stack gap="md" maw={720}>
        <FormAlert message={saveError} />
        <TextInput
          label={t('groupForm.name')}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={errors.name}
          required
          data-autofocus
          autoFocus
        />
        <Textarea
          label={t('groupForm.description')}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          error={errors.description}
          autosize
          minRows={2}
          maxRows={8}
        />
        <Row gap="sm">
          <Button type="submit" loading={saving}>
            {t('common.save')}
          </Button>
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
        </Row>
      </Stack>
    </form>
  );
}
