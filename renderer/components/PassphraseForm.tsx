/**
 * Choosing a passphrase (and, to change one, giving the current one): presentational,
 * checks the length and the repetition before asking main.
 */
import { Alert, Button, Group as Row, PasswordInput, Stack } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { PASSPHRASE_MIN_LENGTH } from '../../electron/ipc-contract';

export type PassphraseChoice = { current?: string; passphrase: string };

type Props = {
  /** Ask for the current passphrase as well (changing it). */
  withCurrent?: boolean;
  submitLabel: string;
  /** Resolves `wrongCurrent` when the current passphrase is not right. */
  onSubmit(choice: PassphraseChoice): Promise<'wrongCurrent' | undefined>;
  onCancel?(): void;
};

export function PassphraseForm({ withCurrent = false, submitLabel, onSubmit, onCancel }: Props) {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [first, setFirst] = useState('');
  const [second, setSecond] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [state, setState] = useState<'editing' | 'saving' | 'wrongCurrent' | { failed: string }>('editing');
  const tooShort = first.length < PASSPHRASE_MIN_LENGTH;
  const mismatch = first !== second;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (tooShort || mismatch || (withCurrent && !current)) return;
    setState('saving');
    try {
      const outcome = await onSubmit({ ...(withCurrent ? { current } : {}), passphrase: first });
      setState(outcome === 'wrongCurrent' ? 'wrongCurrent' : 'editing');
    } catch (e) {
      setState({ failed: e instanceof Error ? e.message : String(e) });
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        {withCurrent && (
          <PasswordInput
            label={t('desktop.passphrase.current')}
            value={current}
            onChange={(e) => setCurrent(e.currentTarget.value)}
            error={
              state === 'wrongCurrent'
                ? t('desktop.passphrase.wrongCurrent')
                : submitted && !current
                  ? t('signIn.errors.required')
                  : undefined
            }
            data-autofocus
          />
        )}
        <PasswordInput
          label={withCurrent ? t('desktop.passphrase.newFirst') : t('desktop.passphrase.first')}
          value={first}
          onChange={(e) => setFirst(e.currentTarget.value)}
          error={
            submitted && tooShort
              ? t('desktop.passphrase.tooShort', { count: PASSPHRASE_MIN_LENGTH })
              : undefined
          }
          data-autofocus={!withCurrent || undefined}
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
          {onCancel && (
            <Button variant="default" onClick={onCancel}>
              {t('common.cancel')}
            </Button>
          )}
          <Button type="submit" loading={state === 'saving'}>
            {submitLabel}
          </Button>
        </Row>
      </Stack>
    </form>
  );
}
