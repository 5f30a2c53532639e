/**
 * The desktop app's side of the bridge, in the renderer: menu commands, the waiting
 * count main asks about before quitting, and errors into the log file. In a plain
 * browser (no window.cohort) it does nothing.
 */
import { useEffect } from 'react';
import type { AppCommand } from '../../electron/ipc-contract';
import { useData } from './DataProvider';

export function useDesktopBridge(onCommand: (command: AppCommand) => void): void {
  const { sync } = useData();
  useEffect(() => {
    const bridge = window.cohort;
    if (!bridge) return undefined;
    const stopCommands = bridge.onCommand(onCommand);
    const pending = sync.status$.subscribe((status) => void bridge.reportPending(status.pending));
    const onError = (event: ErrorEvent) =>
      void bridge.log('error', `${event.message} at ${event.filename}:${event.lineno}`);
    const onRejection = (event: PromiseRejectionEvent) =>
      void bridge.log('error', `unhandled rejection: ${String(event.reason)}`);
    window.addEventListener('error', onError);
    window.addEventListener('unhandledrejection', onRejection);
    return () => {
      stopCommands();
      pending.unsubscribe();
      window.removeEventListener('error', onError);
      window.removeEventListener('unhandledrejection', onRejection);
    };
  }, [onCommand, sync]);
}
