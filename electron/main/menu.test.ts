import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { menuTemplate, type MenuActions } from './menu';

function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? items(item.submenu) : [])]);
}
const actions = (): MenuActions => ({ command: vi.fn(), showLogs: vi.fn(), checkForUpdates: vi.fn() });
const click = (item: MenuItemConstructorOptions | undefined) => (item?.click as (() => void) | undefined)?.();

describe('application menu', () => {
  it('has Cohort’s commands with their shortcuts, sent to the window', () => {
    const a = actions();
    const all = items(menuTemplate('linux', a, { appName: 'Cohort', dev: false }));
    const byLabel = (label: string) => all.find((i) => i.label === label);
    expect(byLabel('New Group')?.accelerator).toBe('CmdOrCtrl+N');
    expect(byLabel('Find')?.accelerator).toBe('CmdOrCtrl+F');
    expect(byLabel('Sync Now')?.accelerator).toBe('CmdOrCtrl+Shift+S');
    expect(byLabel('Preferences…')?.accelerator).toBe('CmdOrCtrl+,');
    click(byLabel('New Group'));
    click(byLabel('Find'));
    click(byLabel('Sync Now'));
    click(byLabel('Preferences…'));
    expect(a.command).toHaveBeenNthCalledWith(1, 'new-group');
    expect(a.command).toHaveBeenNthCalledWith(2, 'find');
    expect(a.command).toHaveBeenNthCalledWith(3, 'sync-now');
    expect(a.command).toHaveBeenNthCalledWith(4, 'preferences');
    click(byLabel('Show Logs'));
    expect(a.showLogs).toHaveBeenCalledOnce();
  });

  it('uses the platform’s roles: an app menu and Settings on macOS, Quit in File elsewhere', () => {
    const mac = items(menuTemplate('darwin', actions(), { appName: 'Cohort', dev: false }));
    const win = items(menuTemplate('win32', actions(), { appName: 'Cohort', dev: false }));
    expect(mac.find((i) => i.label === 'Cohort')).toBeDefined();
    expect(mac.some((i) => i.label === 'Settings…')).toBe(true);
    expect(mac.filter((i) => i.role === 'quit')).toHaveLength(1);
    expect(win.some((i) => i.label === 'Cohort')).toBe(false);
    expect(win.filter((i) => i.role === 'quit')).toHaveLength(1);
    for (const role of ['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'togglefullscreen'] as const) {
      expect(win.some((i) => i.role === role)).toBe(true);
    }
  });

  it('offers reload and developer tools only in development', () => {
    const shipped = items(menuTemplate('linux', actions(), { appName: 'Cohort', dev: false }));
    const dev = items(menuTemplate('linux', actions(), { appName: 'Cohort', dev: true }));
    expect(shipped.some((i) => i.role === 'toggleDevTools' || i.role === 'reload')).toBe(false);
    expect(dev.some((i) => i.role === 'toggleDevTools')).toBe(true);
  });
});
