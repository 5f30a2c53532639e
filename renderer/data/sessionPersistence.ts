/**
 * Keeps the session for offline use. In the desktop app the main process holds it,
 * encrypted with the OS keyring (window.cohort.session); in a plain browser it lives in
 * localStorage.
 */
import { loginResponseSchema } from '../../domain/session';
import { z } from 'zod';
import type { Session } from '../stores';

const KEY = 'cohort.session';
const sessionSchema = loginResponseSchema.extend({ serverUrl: z.string() });

export async function loadSession(): Promise<Session | null> {
  const raw = window.cohort ? await window.cohort.session.load() : localStorage.getItem(KEY);
  if (!raw) return null;
  try {
    return sessionSchema.parse(JSON.parse(raw));
  } catch {
    return null;
  }
}

export async function saveSession(session: Session): Promise<void> {
  const raw = JSON.stringify(session);
  if (window.cohort) await window.cohort.session.save(raw);
  else localStorage.setItem(KEY, raw);
}

export async function clearSession(): Promise<void> {
  if (window.cohort) await window.cohort.session.clear();
  else localStorage.removeItem(KEY);
}

const SERVER_KEY = 'cohort.lastServerUrl';
export const lastServerUrl = () => localStorage.getItem(SERVER_KEY);
export const rememberServerUrl = (url: string) => localStorage.setItem(SERVER_KEY, url);
