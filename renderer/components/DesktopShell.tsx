/**
 * What the desktop app adds to the frame: the menu's commands, the preferences dialog
 * (with how this laptop's data is protected, and the passphrase's change where there is
 * no OS keyring) and the notice that an update is ready. In a browser only the
 * preferences exist (no menu opens them).
 */
import { Alert, Button, Group as Row, Modal, Stack, Text } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import type { AppCommand, IpcResults } from '../../electron/ipc-contract';
import { useData } from '../data/DataProvider';
import { useDesktopBridge } from '../data/desktop';
import { changePassphrase, protection, type Protection } from '../data/vault';
import { useGroupsView, useSyncStore } from '../stores';
import { LanguageSwitch } from './LanguageSwitch';
import { PassphraseForm } from './PassphraseForm';

type AppInfo = IpcResults['app:info'];

export function DesktopShell() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const { sync } = useData();
  const [changing, setChanging] = useState(false);
  const [vault, setVault] = useState<Protection | null>(null);
  const pending = useSyncStore((s) => s.status?.pending ?? 0);
  const [preferences, setPreferences] = useState(false);
  const [updateReady, setUpdateReady] = useState(false);
  const [info, setInfo] = useState<AppInfo | null>(null);

  useEffect(() => {
    void window.cohort?.appInfo().then(setInfo);
    void protection().then(setVault);
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
      {changing && <ChangePassphraseDialog onClose={() => setChanging(false)} />}
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
              {vault === null || vault.mode === 'browser'
                ? t('desktop.preferences.browser')
                : vault.mode === 'keyring'
                  ? t('desktop.preferences.keyring')
                  : t('desktop.preferences.passphrase')}
            </Text>
            {vault?.mode === 'passphrase' && (
              <Button
                size="xs"
                variant="light"
                mt="xs"
                onClick={() => {
                  setPreferences(false);
                  setChanging(true);
                }}
              >
                {t('desktop.passphrase.change')}
              </Button>
            )}
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

/**
 * Changes the passphrase; every database then has a new key, and the app restarts so that
 * its pages are sealed with it before they are opened again (keys.ts).
 */
function ChangePassphraseDialog({ onClose }: { onClose(): void }) {
  const { t } = useTranslation();
  const [done, setDone] = useState(false);
  return (
    <Modal
      opened
      onClose={done ? () => window.location.reload() : onClose}
      title={t('desktop.passphrase.changeTitle')}
      centered
    >
      {done ? (
        <Stack>
          <Text size="sm">{t('desktop.passphrase.changed')}</Text>
          <Row justify="flex-end">
            <Button onClick={() => window.location.reload()}>{t('common.close')}</Button>
          </Row>
        </Stack>
      ) : (
        <Stack>
          <Text size="sm">{t('desktop.passphrase.changeBody')}</Text>
          <PassphraseForm
            withCurrent
            submitLabel={t('desktop.passphrase.saveChange')}
            onCancel={onClose}
            onSubmit={async ({ current, passphrase }) => {
              if (!(await changePassphrase(current ?? '', passphrase))) return 'wrongCurrent';
              setDone(true);
              return undefined;
            }}
          />
        </Stack>
      )}
    </Modal>
  );
}
