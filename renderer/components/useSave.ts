/**
 * A form's save: tracks "saving", turns a failure into a message for the form, and
 * leaves the form open (nothing typed is lost) when saving fails. A full disk gets its
 * own message, whatever the form: the user can act on it.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isQuotaError } from '../data/storageErrors';

export function useSave(describe: (message: string) => string, storageFullKey = 'localData.saveStorageFull') {
  const { t } = useTranslation();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = async (work: () => Promise<unknown>) => {
    setSaving(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      if (isQuotaError(e)) setError(t(storageFullKey));
      else setError(describe(e instanceof Error ? e.message : String(e)));
    } finally {
      setSaving(false);
    }
  };
  return { saving, error, save, clearError: () => setError(null) };
}
