/** The sign-in form: presentational, validates what it can before asking the server. */
import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

export type SignInValues = { serverUrl: string; email: string; password: string };

type Props = {
  initial: SignInValues;
  submitting: boolean;
  /** A translated message from the last attempt. */
  error: string | null;
  onSubmit(values: SignInValues): void;
};

export function SignInForm({ initial, submitting, error, onSubmit }: Props) {
  const { t } = useTranslation();
  const [values, setValues] = useState(initial);
  const [touched, setTouched] = useState(false);
  const fieldError = (field: keyof SignInValues) => {
    if (!touched) return undefined;
    const value = values[field].trim();
    if (!value) return t('signIn.errors.required');
    if (field === 'email' && !/^[^\s@]+@[^\s@]+$/.test(value)) return t('signIn.errors.emailFormat');
    return undefined;
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    const ok = values.serverUrl.trim() && /^[^\s@]+@[^\s@]+$/.test(values.email.trim()) && values.password;
    if (ok) onSubmit({ ...values, email: values.email.trim(), serverUrl: values.serverUrl.trim() });
  };
  const set = (field: keyof SignInValues) => (e: { currentTarget: HTMLInputElement }) => {
    const value = e.currentTarget.value; // read now: React clears currentTarget after the event
    setValues((v) => ({ ...v, [field]: value }));
  };

  return (
    <form onSubmit={submit} noValidate aria-label={t('signIn.title')}>
      <Stack gap="md">
        {error && (
          <Alert color="red" variant="light" role="alert">
            {error}
          </Alert>
        )}
        <TextInput
          label={t('signIn.server')}
          description={t('signIn.serverHint')}
          value={values.serverUrl}
          onChange={set('serverUrl')}
          error={fieldError('serverUrl')}
          autoComplete="url"
          required
        />
        <TextInput
          label={t('signIn.email')}
          type="email"
          value={values.email}
          onChange={set('email')}
          error={fieldError('email')}
          autoComplete="username"
          required
          data-autofocus
        />
        <PasswordInput
          label={t('signIn.password')}
          value={values.password}
          onChange={set('password')}
          error={fieldError('password')}
          autoComplete="current-password"
          required
        />
        <Button type="submit" loading={submitting} fullWidth size="md" mt="xs">
          {t('signIn.submit')}
        </Button>
      </Stack>
    </form>
  );
}
