/** A confirmation for destructive actions; the safe choice has the focus. */
import { Button, Group as Row, Modal, Stack, Text } from '@mantine/core';
import { memo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { FormAlert } from './FormAlert';
import { useSave } from './useSave';

type Props = {
  opened: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm(): unknown;
  onClose(): void;
};

/** Memoised: screens keep it mounted (closed) while they re-render on every keystroke. */
export const ConfirmDialog = memo(function ConfirmDialog({
  opened,
  title,
  children,
  confirmLabel,
  onConfirm,
  onClose,
}: Props) {
  const { t } = useTranslation();
  // A failure (a full disk, say) is shown here and the dialog stays open.
  const { saving, error, save, clearError } = useSave(
    (message) => t('common.actionFailed', { message }),
    'localData.actionStorageFull',
  );
  const close = () => {
    clearError();
    onClose();
  };
  const confirm = () =>
    save(async () => {
      await onConfirm();
      close();
    });
  return (
    <Modal opened={opened} onClose={close} title={title} centered>
      <Stack gap="lg">
        <FormAlert message={error} />
        <Text size="sm">{children}</Text>
        <Row justify="flex-end" gap="sm">
          <Button variant="default" onClick={close} data-autofocus>
            {t('common.cancel')}
          </Button>
          <Button color="red" onClick={() => void confirm()} loading={saving}>
            {confirmLabel}
          </Button>
        </Row>
      </Stack>
    </Modal>
  );
});
