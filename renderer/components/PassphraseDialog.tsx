/** Puts this laptop's data behind a passphrase, for a desktop without an OS keyring. */
import { Alert, Button, Group as Row, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

export const PASSPHRASE_MIN = 10;

export function PassphraseDialog({ databaseName, onClose }: { databaseName: string; onClose(): void }) {
  const { t } = useTranslation();
  const [first, setFirst] = useState('');
  const [second, setSecond] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [state, setState] = useState<'editing' | 'saving' | 'done' | { failed: string }>('editing');
  const tooShort = first.length < PASSPHRASE_MIN;
  const mismatch = first !== second;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (tooShort || mismatch || !window.cohort) return;
    setState('saving');
    try {
      await window.cohort.setPassphrase(databaseName, first);
      setState('done');
    } catch (e) {
      setState({ failed: e instanceof Error ? e.message : String(e) });
    }
  };
  return (
    <Modal opened onClose={onClose} title={t('desktop.passphrase.title')} centered>
      {state === 'done' ? (
        <Stack>
          <Text size="sm">{t('desktop.passphrase.done')}</Text>
          <Row justify="flex-end">
            <Button onClick={onClose}>{t('common.close')}</Button>
          </Row>
        </Stack>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Stack>
            <Text size="sm">{t('desktop.passphrase.body')}</Text>
            <PasswordInput
              label={t('desktop.passphrase.first')}
              value={first}
              onChange={(e) => setFirst(e.currentTarget.value)}
              error={
                submitted && tooShort
                  ? t('desktop.passphrase.tooShort', { count: PASSPHRASE_MIN })
                  : undefined
              }
              data-autofocus
            />
            <PasswordInput
              label={t('desktop.passphrase.second')}
              value={second}
              onChange={(e) => setSecond(e.currentTarget.value)}
              error={submitted && !tooShort && mismatch ? t('desktop.passphrase.mismatch') : undefined}
            />
            {typeof state === 'object' && (
              <Alert color="red" variant="light" role="alert">
                {state.failed}
              </Alert>
            )}
            <Row justify="flex-end" gap="sm">
              <Button variant="default" onClick={onClose}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={state === 'saving'}>
                {t('desktop.passphrase.save')}
              </Button>
            </Row>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
