/**
 * Tells the user how the local data was opened when that is news: rebuilt from the
 * server (and what became of the changes not yet sent), or found missing. Shown at the
 * top of the main layout until dismissed.
 */
import { Alert, List, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useLocalDataNotice } from '../data/DataProvider';
import type { LocalDataNotice as Notice } from '../data/recovery';

export function LocalDataNotice() {
  const { notice, dismiss } = useLocalDataNotice();
  if (!notice) return null;
  return <LocalDataNoticeView notice={notice} onDismiss={dismiss} />;
}

export function LocalDataNoticeView({ notice, onDismiss }: { notice: Notice; onDismiss(): void }) {
  const { t } = useTranslation();
  const missing = notice.kind === 'missing';
  return (
    <Alert
      role="alert"
      color={missing ? 'blue' : 'orange'}
      variant="light"
      mb="md"
      title={missing ? t('localData.missingTitle') : t('localData.recoveredTitle')}
      withCloseButton
      closeButtonLabel={t('common.close')}
      onClose={onDismiss}
      data-testid="local-data-notice"
    >
      {missing ? (
        <Text size="sm">{t('localData.missing')}</Text>
      ) : (
        <>
          <Text size="sm">
            {t(`localData.reason.${notice.reason}`)} {t('localData.downloading')}
          </Text>
          <RecoveredChanges kept={notice.kept} lost={notice.lost} unreadable={notice.unreadable} />
        </>
      )}
    </Alert>
  );
}

function RecoveredChanges({ kept, lost, unreadable }: { kept: number; lost: number; unreadable: boolean }) {
  const { t } = useTranslation();
  const lines = [
    kept > 0 ? t('localData.kept', { count: kept }) : null,
    lost > 0 ? t('localData.lost', { count: lost }) : null,
    unreadable ? t('localData.unreadable') : null,
  ].filter((line): line is string => line !== null);
  if (lines.length === 0) return null;
  return (
    <List size="sm" mt="xs" spacing={2}>
      {lines.map((line) => (
        <List.Item key={line}>{line}</List.Item>
      ))}
    </List>
  );
}
