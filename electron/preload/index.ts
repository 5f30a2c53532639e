/**
 * Preload (sandboxed): exposes exactly the IPC contract as `window.cohort`, nothing of
 * ipcRenderer itself. Runs in: preload.
 */
import { contextBridge, ipcRenderer } from 'electron';
import {
  APP_COMMAND_EVENT,
  isAppCommand,
  type AppCommand,
  type CohortBridge,
  type IpcChannel,
  type IpcResults,
} from '../ipc-contract';

const invoke = <C extends IpcChannel>(channel: C, ...args: unknown[]) =>
  ipcRenderer.invoke(channel, ...args) as Promise<IpcResults[C]>;

const bridge = {
  session: {
    load: () => invoke('session:load'),
    save: (sessionJson: string) => invoke('session:save', sessionJson),
    clear: () => invoke('session:clear'),
  },
  revocations: {
    load: () => invoke('revocations:load'),
    save: (text: string | null) => invoke('revocations:save', text),
  },
  appInfo: () => invoke('app:info'),
  vault: {
    state: () => invoke('vault:state'),
    setPassphrase: (passphrase: string) => invoke('vault:set-passphrase', passphrase),
    unlock: (passphrase: string) => invoke('vault:unlock', passphrase),
    changePassphrase: (current: string, next: string) => invoke('vault:change-passphrase', current, next),
  },
  databaseKey: (name: string) => invoke('db:key', name),
  databaseKeyRotated: (name: string) => invoke('db:key-rotated', name),
  forgetDatabaseKey: (name: string) => invoke('db:forget', name),
  saveFile: (name: string, content: string) => invoke('file:save', name, content),
  log: (level: 'info' | 'warn' | 'error', message: string) => invoke('log:write', level, message),
  reportPending: (count: number) => invoke('sync:pending', count),
  restartToUpdate: () => invoke('update:restart'),
  onCommand(listener: (command: AppCommand) => void) {
    // The renderer gets the command only, never the IPC event.
    const handler = (_event: unknown, command: unknown) => {
      if (isAppCommand(command)) listener(command);
    };
    ipcRenderer.on(APP_COMMAND_EVENT, handler);
    return () => {
      ipcRenderer.removeListener(APP_COMMAND_EVENT, handler);
    };
  },
} satisfies CohortBridge;

contextBridge.exposeInMainWorld('cohort', bridge);
