/**
 * How this laptop's secrets (the session, the databases' keys) are protected, through the
 * desktop bridge: the OS keyring, or — on a laptop without one — a passphrase that must
 * be chosen before anything is stored and given at each start (electron/main/secretStore.ts).
 * In a plain browser there is neither.
 */
import type { VaultState } from '../../electron/ipc-contract';

export type Protection = VaultState | { mode: 'browser' };

/** Tries a passphrase; resolves false when it is not the right one. */
export type PassphraseAttempt = (passphrase: string) => Promise<boolean>;

export async function protection(): Promise<Protection> {
  return window.cohort ? window.cohort.vault.state() : { mode: 'browser' };
}

/** Whether a passphrase must be chosen before anything may be stored. */
export async function needsPassphraseChoice(): Promise<boolean> {
  const state = await protection();
  return state.mode === 'passphrase' && state.state === 'unset';
}

export async function choosePassphrase(passphrase: string): Promise<void> {
  if (!window.cohort) throw new Error('Only the desktop app keeps a passphrase.');
  await window.cohort.vault.setPassphrase(passphrase);
}

export const unlock: PassphraseAttempt = async (passphrase) => {
  if (!window.cohort) return false;
  return 'ok' in (await window.cohort.vault.unlock(passphrase));
};

/** Resolves false when `current` is not the passphrase. */
export async function changePassphrase(current: string, next: string): Promise<boolean> {
  if (!window.cohort) return false;
  return 'ok' in (await window.cohort.vault.changePassphrase(current, next));
}
