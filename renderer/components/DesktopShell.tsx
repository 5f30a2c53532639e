/**
 * What the desktop app adds to the frame: the menu's commands, the preferences dialog,
 * the notice that an update is ready, and the warning when the OS keyring does not
 * protect this laptop's data. In a browser only the preferences exist (no menu opens them).
 */
import { Alert, Button, Group as Row, Modal, Stack, Text } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import type { AppCommand, IpcResults } from '../../electron/ipc-contract';
import { useData } from '../data/DataProvider';
import { useDesktopBridge } from '../data/desktop';
import { useGroupsView, useSyncStore } from '../stores';
import { LanguageSwitch } from './LanguageSwitch';
import { PassphraseDialog } from './PassphraseDialog';

type AppInfo = IpcResults['app:info'];

export function DesktopShell() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const { db, sync } = useData();
  const [passphrase, setPassphrase] = useState(false);
  const pending = useSyncStore((s) => s.status?.pending ?? 0);
  const [preferences, setPreferences] = useState(false);
  const [updateReady, setUpdateReady] = useState(false);
  const [info, setInfo] = useState<AppInfo | null>(null);

  useEffect(() => {
    void window.cohort?.appInfo().then(setInfo);
  }, []);

  const onCommand = useCallback(
    (command: AppCommand) => {
      switch (command) {
        case 'new-group':
          void navigate('/groups');
          useGroupsView.getState().setNewGroupOpen(true);
          return;
        case 'find': {
          if (!/^\/(groups|clients)$/.test(location.pathname)) void navigate('/groups');
          setTimeout(() => document.querySelector<HTMLInputElement>('input[type="search"]')?.focus(), 50);
          return;
        }
        case 'sync-now':
          sync.syncNow();
          return;
        case 'preferences':
          setPreferences(true);
          return;
        case 'update-ready':
          setUpdateReady(true);
          return;
      }
    },
    [navigate, location.pathname, sync],
  );
  useDesktopBridge(onCommand);

  return (
    <>
      {info?.keyring === 'basic_text' && (
        <Alert color="orange" variant="light" mb="md" title={t('desktop.keyring.title')}>
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{t('desktop.keyring.body')}</Text>
            <Button size="xs" variant="light" color="orange" onClick={() => setPassphrase(true)}>
              {t('desktop.passphrase.button')}
            </Button>
          </Stack>
        </Alert>
      )}
      {updateReady && (
        <Alert color="teal" variant="light" mb="md" title={t('desktop.update.title')}>
          <Row justify="space-between">
            <Text size="sm">{pending > 0 ? t('desktop.update.waiting') : t('desktop.update.body')}</Text>
            <Button size="xs" disabled={pending > 0} onClick={() => void window.cohort?.restartToUpdate()}>
              {t('desktop.update.restart')}
            </Button>
          </Row>
        </Alert>
      )}
      {passphrase && <PassphraseDialog databaseName={db.name} onClose={() => setPassphrase(false)} />}
      <Modal
        opened={preferences}
        onClose={() => setPreferences(false)}
        title={t('desktop.preferences.title')}
        centered
      >
        <Stack gap="md">
          <div>
            <Text size="sm" fw={600} mb={4}>
              {t('shell.language')}
            </Text>
            <LanguageSwitch />
          </div>
          <div>
            <Text size="sm" fw={600}>
              {t('desktop.preferences.protection')}
            </Text>
            <Text size="sm" c="dimmed">
              {info === null
                ? t('desktop.preferences.browser')
                : info.keyring === 'os'
                  ? t('desktop.preferences.keyring')
                  : t('desktop.keyring.body')}
            </Text>
          </div>
          {info && (
            <Text size="xs" c="dimmed">
              {t('desktop.preferences.version', { version: info.version })}
            </Text>
          )}
        </Stack>
      </Modal>
    </>
  );
}
