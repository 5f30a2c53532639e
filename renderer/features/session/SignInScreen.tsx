import { Alert, Group as Row, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  ApiRequestError,
  createApiClient,
  NetworkError,
  normalizeServerUrl,
  ServerAddressError,
} from '../../../sync/client/api';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import { connectionsHeldTo } from '../../data/connectPolicy';
import { revocationStore, revokePending } from '../../data/revocations';
import { lastServerUrl, rememberServerUrl, saveSession } from '../../data/sessionPersistence';
import { choosePassphrase, needsPassphraseChoice } from '../../data/vault';
import { useSessionStore, type Session } from '../../stores';
import { ProtectLaptopScreen } from './ProtectLaptopScreen';
import { SignInForm, type SignInValues } from './SignInForm';

const DEFAULT_SERVER = import.meta.env.VITE_COHORT_SERVER_URL ?? 'http://127.0.0.1:8787';

export function SignInScreen() {
  const { t } = useTranslation();
  const previous = useSessionStore((s) => s.session);
  const expired = useSessionStore((s) => s.expired);
  const signedIn = useSessionStore((s) => s.signedIn);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** Signed in on a laptop without a keyring: kept in memory only, until a passphrase is chosen. */
  const [unsealed, setUnsealed] = useState<Session | null>(null);

  const keep = async (session: Session) => {
    rememberServerUrl(session.serverUrl);
    await saveSession(session);
    signedIn(session);
    void revokePending(revocationStore()).catch(() => undefined);
  };

  const submit = async (values: SignInValues) => {
    setSubmitting(true);
    setError(null);
    try {
      const serverUrl = normalizeServerUrl(values.serverUrl);
      const held = connectionsHeldTo();
      if (held && held !== new URL(serverUrl).origin) {
        // This page may reach the server it was signed in to alone: a fresh page, with the new address.
        rememberServerUrl(serverUrl);
        window.location.reload();
        return;
      }
      const response = await createApiClient({ serverUrl }).login(values.email, values.password);
      const session = { ...response, serverUrl };
      if (await needsPassphraseChoice()) setUnsealed(session);
      else await keep(session);
    } catch (e) {
      if (e instanceof ServerAddressError)
        setError(e.reason === 'insecure' ? t('signIn.errors.insecure') : t('signIn.errors.invalidUrl'));
      else if (e instanceof NetworkError) setError(t('signIn.errors.unreachable'));
      else if (e instanceof ApiRequestError && e.status === 401) setError(t('signIn.errors.invalid'));
      else setError(t('signIn.errors.server', { message: e instanceof Error ? e.message : String(e) }));
    } finally {
      setSubmitting(false);
    }
  };

  if (unsealed) {
    return (
      <ProtectLaptopScreen
        onChosen={async (passphrase) => {
          await choosePassphrase(passphrase);
          await keep(unsealed);
        }}
      />
    );
  }

  return (
    <div className="sign-in-backdrop">
      <Stack w="100%" maw={420} gap="lg">
        <Row justify="space-between" align="center">
          <Row gap="xs">
            <span className="brand-mark" aria-hidden>
              C
            </span>
            <Text fw={700} size="lg">
              {t('app.name')}
            </Text>
          </Row>
          <LanguageSwitch />
        </Row>
        <Paper withBorder shadow="md" p="xl" radius="lg">
          <Stack gap="lg">
            <div>
              <Title order={1} size="h2">
                {t('signIn.title')}
              </Title>
              <Text c="dimmed" size="sm" mt={6}>
                {t('signIn.subtitle')}
              </Text>
            </div>
            {expired && (
              <Alert color="yellow" variant="light">
                {t('signIn.expired')}
              </Alert>
            )}
            <SignInForm
              initial={{
                serverUrl: previous?.serverUrl ?? lastServerUrl() ?? DEFAULT_SERVER,
                email: previous?.user.email ?? '',
                password: '',
              }}
              submitting={submitting}
              error={error}
              onSubmit={(v) => void submit(v)}
            />
          </Stack>
        </Paper>
        <Text c="dimmed" size="xs" ta="center">
          {t('signIn.demo')}
        </Text>
      </Stack>
    </div>
  );
}
