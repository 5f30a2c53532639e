/** The sync indicator: a dot and a phrase; details and "Sync now" on hover/click. */
import { Button, Popover, Stack, Text, UnstyledButton, Group as Row } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { SyncStatus } from '../../../sync/client/status';

const COLORS = {
  offline: 'var(--mantine-color-gray-5)',
  syncing: 'var(--mantine-color-blue-5)',
  synced: 'var(--mantine-color-teal-6)',
  waiting: 'var(--mantine-color-yellow-6)',
  error: 'var(--mantine-color-red-6)',
} as const;

export function syncLabel(status: SyncStatus, t: TFunction): string {
  const time = status.lastSyncedAt
    ? new Date(status.lastSyncedAt).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : '';
  const waiting = status.pending > 0 ? t('sync.waiting', { count: status.pending }) : '';
  switch (status.phase) {
    case 'offline':
      return waiting ? `${t('sync.offline')} · ${waiting}` : t('sync.offline');
    case 'syncing':
      return t('sync.syncing');
    case 'synced':
      return t('sync.synced', { time });
    case 'waiting':
      return waiting;
    case 'error':
      if (status.error?.kind === 'auth') return t('sync.signInAgain');
      if (status.error?.kind === 'update')
        return waiting ? `${t('sync.updateRequired')} · ${waiting}` : t('sync.updateRequired');
      return status.error?.kind === 'storage' ? t('sync.storageFull') : t('sync.error');
  }
}

export function SyncIndicatorView({ status, onSyncNow }: { status: SyncStatus; onSyncNow(): void }) {
  const { t } = useTranslation();
  const label = syncLabel(status, t);
  const kind = status.error?.kind;
  const detail =
    status.phase !== 'error'
      ? t(`sync.details.${status.phase}`)
      : kind === 'storage' || kind === 'update'
        ? t(`sync.details.${kind}`)
        : t('sync.details.error', { message: status.error?.message ?? '' });
  return (
    <Popover position="bottom-end" withArrow shadow="md" width={280}>
      <Popover.Target>
        <UnstyledButton
          data-testid="sync-indicator"
          data-phase={status.phase}
          aria-label={label}
          px="xs"
          py={4}
        >
          <Row gap={8} wrap="nowrap">
            <span className="sync-dot" style={{ background: COLORS[status.phase] }} aria-hidden />
            <Text size="sm" c="dimmed" role="status" aria-live="polite">
              {label}
            </Text>
          </Row>
        </UnstyledButton>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="sm">
          <Text size="sm">{detail}</Text>
          <Button size="xs" variant="light" onClick={onSyncNow} disabled={status.phase === 'offline'}>
            {t('sync.syncNow')}
          </Button>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
