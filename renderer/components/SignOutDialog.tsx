/**
 * Signing out: first the waiting changes are sent, then this laptop's copy of the
 * organisation is deleted. If changes cannot be sent, the user chooses.
 */
import { Button, Group as Row, Loader, Modal, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSignOut } from '../data/signOut';
import type { Session } from '../stores';

type Phase =
  | { kind: 'sending' }
  | { kind: 'unsent'; count: number }
  | { kind: 'deleting' }
  | { kind: 'failed'; message: string };

export function SignOutDialog({ session, onCancel }: { session: Session; onCancel(): void }) {
  const { t } = useTranslation();
  const { flush, wipeAndSignOut } = useSignOut(session);
  const [phase, setPhase] = useState<Phase>({ kind: 'sending' });

  const wipe = async () => {
    setPhase({ kind: 'deleting' });
    try {
      await wipeAndSignOut();
    } catch (e) {
      setPhase({ kind: 'failed', message: e instanceof Error ? e.message : String(e) });
    }
  };

  useEffect(() => {
    let cancelled = false;
    void flush().then((count) => {
      if (cancelled) return;
      if (count === 0) void wipe();
      else setPhase({ kind: 'unsent', count });
    });
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- runs once when the dialog opens
  }, []);

  const busy = phase.kind === 'sending' || phase.kind === 'deleting';
  return (
    <Modal
      opened
      onClose={busy ? () => undefined : onCancel}
      withCloseButton={!busy}
      closeOnClickOutside={!busy}
      closeOnEscape={!busy}
      title={t('signOut.title')}
      centered
    >
      {busy ? (
        <Row gap="sm" role="status">
          <Loader size="sm" />
          <Text size="sm">{phase.kind === 'sending' ? t('signOut.sending') : t('signOut.deleting')}</Text>
        </Row>
      ) : (
        <Stack gap="lg">
          <Text size="sm">
            {phase.kind === 'unsent'
              ? t('signOut.unsent', { count: phase.count })
              : t('signOut.failed', { message: phase.message })}
          </Text>
          <Row justify="flex-end" gap="sm">
            <Button variant="default" onClick={onCancel} data-autofocus>
              {t('signOut.stay')}
            </Button>
            <Button color="red" onClick={() => void wipe()}>
              {t('signOut.confirm')}
            </Button>
          </Row>
        </Stack>
      )}
    </Modal>
  );
}
