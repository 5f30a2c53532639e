/** Asks for the passphrase that opens this laptop's data (desktop app without an OS keyring). */
import { Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { PassphraseAttempt } from '../data/vault';

export function UnlockScreen({ attempt }: { attempt: PassphraseAttempt }) {
  const { t } = useTranslation();
  const [passphrase, setPassphrase] = useState('');
  const [wrong, setWrong] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setWrong(false);
    const ok = await attempt(passphrase);
    setBusy(false);
    if (!ok) setWrong(true);
  };
  return (
    <Center h="100%">
      <Paper withBorder radius="md" p="xl" w={420} component="form" onSubmit={(e) => void submit(e)}>
        <Stack>
          <Title order={1} size="h3">
            {t('unlock.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('unlock.body')}
          </Text>
          <PasswordInput
            label={t('unlock.passphrase')}
            value={passphrase}
            onChange={(e) => setPassphrase(e.currentTarget.value)}
            error={wrong ? t('unlock.wrong') : undefined}
            autoFocus
            required
          />
          <Button type="submit" loading={busy}>
            {t('unlock.submit')}
          </Button>
        </Stack>
      </Paper>
    </Center>
  );
}
