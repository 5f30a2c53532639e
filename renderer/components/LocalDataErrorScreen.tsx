/**
 * Shown instead of the app while the local database cannot be used: it cannot be opened
 * or created even afresh (what happened, and "Try again"), or another browser tab holds it.
 */
import { Button, Center, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export function LocalDataErrorScreen({
  storageFull,
  detail,
  onRetry,
}: {
  /** The disk or the storage quota is full: the user can do something about it. */
  storageFull: boolean;
  /** The error's own text, for whoever helps the user; shown small. */
  detail: string;
  onRetry(): void;
}) {
  const { t } = useTranslation();
  return (
    <ScreenCard role="alert" title={t('localData.failed.title')}>
      <Text size="sm">{storageFull ? t('localData.failed.storageFull') : t('localData.failed.body')}</Text>
      {detail && (
        <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          {t('localData.failed.details', { message: detail })}
        </Text>
      )}
      <Button onClick={onRetry} style={{ alignSelf: 'flex-start' }}>
        {t('localData.failed.retry')}
      </Button>
    </ScreenCard>
  );
}

/** Another tab of this browser has the same account open; this one goes on once that one is closed. */
export function HeldElsewhereScreen() {
  const { t } = useTranslation();
  return (
    <ScreenCard role="status" title={t('localData.heldElsewhere.title')}>
      <Text size="sm">{t('localData.heldElsewhere.body')}</Text>
      <Loader size="sm" aria-label={t('localData.heldElsewhere.waiting')} />
    </ScreenCard>
  );
}

/** A card alone in the middle of the window, in place of the app. */
function ScreenCard({
  role,
  title,
  children,
}: {
  role: 'alert' | 'status';
  title: string;
  children: ReactNode;
}) {
  return (
    <Center h="100%">
      <Paper withBorder radius="md" p="xl" w={480} role={role}>
        <Stack>
          <Title order={1} size="h3">
            {title}
          </Title>
          {children}
        </Stack>
      </Paper>
    </Center>
  );
}
