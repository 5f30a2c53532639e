/**
 * A form's save: tracks "saving", turns a failure into a message for the form, and
 * leaves the form open (nothing typed is lost) when saving fails.
 */
import { useState } from 'react';

export function useSave(describe: (message: string) => string) {
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = async (work: () => Promise<unknown>) => {
    setSaving(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(describe(e instanceof Error ? e.message : String(e)));
    } finally {
      setSaving(false);
    }
  };
  return { saving, error, save };
}
