/**
 * Preload (sandboxed): exposes exactly the IPC contract as `window.cohort`, nothing of
 * ipcRenderer itself. Runs in: preload.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { CohortBridge, IpcChannel, IpcResults } from '../ipc-contract';

const invoke = <C extends IpcChannel>(channel: C, ...args: unknown[]) =>
  ipcRenderer.invoke(channel, ...args) as Promise<IpcResults[C]>;

const bridge = {
  session: {
    load: () => invoke('session:load'),
    save: (sessionJson: string) => invoke('session:save', sessionJson),
    clear: () => invoke('session:clear'),
  },
  appInfo: () => invoke('app:info'),
  databaseKey: (name: string) => invoke('db:key', name),
} satisfies CohortBridge;

contextBridge.exposeInMainWorld('cohort', bridge);
