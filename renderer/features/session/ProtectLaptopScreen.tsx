/**
 * On a laptop without an OS keyring: the passphrase is chosen before anything is stored
 * (after signing in, before the session is kept), or — where an earlier Cohort left data
 * without one — before that data is opened.
 */
import { Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PassphraseForm } from '../../components/PassphraseForm';

export function ProtectLaptopScreen({
  legacy = false,
  onChosen,
}: {
  legacy?: boolean;
  onChosen(passphrase: string): Promise<void>;
}) {
  const { t } = useTranslation();
  return (
    <div className="sign-in-backdrop">
      <Paper withBorder shadow="md" p="xl" radius="lg" w="100%" maw={460}>
        <Stack>
          <Title order={1} size="h3">
            {t('desktop.passphrase.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {legacy ? t('desktop.passphrase.legacy') : t('desktop.passphrase.body')}
          </Text>
          <PassphraseForm
            submitLabel={t('desktop.passphrase.save')}
            onSubmit={async ({ passphrase }) => {
              await onChosen(passphrase);
              return undefined;
            }}
          />
        </Stack>
      </Paper>
    </div>
  );
}
