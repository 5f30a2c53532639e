/**
 * The application menu: the platform's usual roles and shortcuts, plus Cohort's own
 * commands, which go to the window as `app:command` events (the renderer decides what
 * they do on the screen at hand). Runs in: main (a pure template builder).
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { AppCommand } from '../ipc-contract';

export type MenuActions = {
  command(command: AppCommand): void;
  showLogs(): void;
  checkForUpdates(): void;
};

export function menuTemplate(
  platform: NodeJS.Platform,
  actions: MenuActions,
  options: { appName: string; dev: boolean },
): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const preferences: MenuItemConstructorOptions = {
    label: mac ? 'Settings…' : 'Preferences…',
    accelerator: 'CmdOrCtrl+,',
    click: () => actions.command('preferences'),
  };
  const help: MenuItemConstructorOptions[] = [
    { label: 'Show Logs', click: () => actions.showLogs() },
    { label: 'Check for Updates…', click: () => actions.checkForUpdates() },
  ];
  return [
    ...(mac
      ? [
          {
            label: options.appName,
            submenu: [
              { role: 'about' },
              { type: 'separator' },
              preferences,
              { type: 'separator' },
              { role: 'services' },
              { type: 'separator' },
              { role: 'hide' },
              { role: 'hideOthers' },
              { role: 'unhide' },
              { type: 'separator' },
              { role: 'quit' },
            ],
          } satisfies MenuItemConstructorOptions,
        ]
      : []),
    {
      label: 'File',
      submenu: [
        { label: 'New Group', accelerator: 'CmdOrCtrl+N', click: () => actions.command('new-group') },
        { type: 'separator' },
        ...(mac ? [] : [preferences, { type: 'separator' } as const]),
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
        { type: 'separator' },
        { label: 'Find', accelerator: 'CmdOrCtrl+F', click: () => actions.command('find') },
      ],
    },
    {
      label: 'View',
      submenu: [
        ...(options.dev
          ? [{ role: 'reload' } as const, { role: 'toggleDevTools' } as const, { type: 'separator' } as const]
          : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: 'Sync',
      submenu: [
        { label: 'Sync Now', accelerator: 'CmdOrCtrl+Shift+S', click: () => actions.command('sync-now') },
      ],
    },
    { role: 'windowMenu' },
    { role: 'help', submenu: help },
  ];
}
