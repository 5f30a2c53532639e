/**
 * Decisions of the app's lifecycle, as plain functions: what a second launch does, and
 * whether closing the window needs the user's word first. Runs in: main.
 */
import type { MessageBoxSyncOptions } from 'electron';

/** The part of a BrowserWindow a second launch touches. */
export type FocusableWindow = { isMinimized(): boolean; restore(): void; show(): void; focus(): void };

/** A second launch of the app: the first window comes to the front instead of a second app. */
export function focusExistingWindow(window: FocusableWindow | null): boolean {
  if (!window) return false;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
  return true;
}

/** The question to ask before closing, or null when nothing would be left unsent. */
export function closeQuestion(state: {
  pendingChanges: number;
  quitting: boolean;
}): MessageBoxSyncOptions | null {
  if (state.quitting || state.pendingChanges === 0) return null;
  const n = state.pendingChanges;
  return {
    type: 'question',
    buttons: ['Quit', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    message:
      n === 1 ? '1 change has not reached the server yet.' : `${n} changes have not reached the server yet.`,
    detail: 'They are kept on this laptop and sent the next time Cohort is open and online.',
  };
}
