import { describe, expect, it, vi } from 'vitest';
import { isIpcChannel } from '../ipc-contract';
import { dispatchIpc, IPC_CHANNEL_NAMES, type IpcHandlers } from './ipc';

function handlers(): IpcHandlers {
  return {
    'session:load': vi.fn(async () => 'stored'),
    'session:save': vi.fn(async () => null),
    'session:clear': vi.fn(async () => null),
    'revocations:load': vi.fn(async () => null),
    'revocations:save': vi.fn(async () => null),
    'app:info': vi.fn(() => ({ version: '1', platform: 'linux', keyring: 'os' as const })),
    'vault:state': vi.fn(async () => ({ mode: 'keyring' as const })),
    'vault:set-passphrase': vi.fn(async () => null),
    'vault:unlock': vi.fn(async () => ({ wrongPassphrase: true as const })),
    'vault:change-passphrase': vi.fn(async () => ({ ok: true as const })),
    'db:key': vi.fn(async () => ({ key: 'a2V5' })),
    'db:key-rotated': vi.fn(async () => null),
    'db:forget': vi.fn(async () => null),
    'file:save': vi.fn(async () => '/home/me/groups.csv'),
    'log:write': vi.fn(async () => null),
    'sync:pending': vi.fn(async () => null),
    'update:restart': vi.fn(async () => false),
  };
}

describe('IPC dispatch', () => {
  it('calls the handler with validated arguments', async () => {
    const h = handlers();
    await dispatchIpc(h, 'session:save', ['{"token":"t"}']);
    expect(h['session:save']).toHaveBeenCalledWith('{"token":"t"}');
    expect(await dispatchIpc(h, 'session:load', [])).toBe('stored');
  });

  it('refuses wrong, extra and oversized arguments before any handler runs', async () => {
    const h = handlers();
    await expect(dispatchIpc(h, 'session:save', [42])).rejects.toThrow('Invalid arguments for session:save');
    await expect(dispatchIpc(h, 'session:save', [])).rejects.toThrow();
    await expect(dispatchIpc(h, 'session:load', ['extra'])).rejects.toThrow();
    await expect(dispatchIpc(h, 'session:save', ['x'.repeat(70_000)])).rejects.toThrow();
    expect(h['session:save']).not.toHaveBeenCalled();
    // A database key only for a database name: no paths, no other files.
    await expect(dispatchIpc(h, 'db:key', ['../session'])).rejects.toThrow('Invalid arguments for db:key');
    expect(await dispatchIpc(h, 'db:key', ['cohort-abc-admin'])).toEqual({ key: 'a2V5' });
    await expect(dispatchIpc(h, 'vault:set-passphrase', ['short'])).rejects.toThrow();
    await expect(dispatchIpc(h, 'vault:change-passphrase', ['current one', 'short'])).rejects.toThrow();
    expect(h['vault:set-passphrase']).not.toHaveBeenCalled();
    // The save dialog gets a CSV name, never a path.
    await expect(dispatchIpc(h, 'file:save', ['../../.bashrc', 'x'])).rejects.toThrow();
    await expect(dispatchIpc(h, 'file:save', ['/etc/cron.d/x.csv', 'x'])).rejects.toThrow();
    expect(await dispatchIpc(h, 'file:save', ['cohort-groups-2026-11-23.csv', 'a,b'])).toBe(
      '/home/me/groups.csv',
    );
    await expect(dispatchIpc(h, 'log:write', ['debug', 'x'])).rejects.toThrow();
    await expect(dispatchIpc(h, 'sync:pending', [-1])).rejects.toThrow();
  });

  it('knows exactly the contract’s channels', () => {
    expect(IPC_CHANNEL_NAMES.sort()).toEqual([
      'app:info',
      'db:forget',
      'db:key',
      'db:key-rotated',
      'file:save',
      'log:write',
      'revocations:load',
      'revocations:save',
      'session:clear',
      'session:load',
      'session:save',
      'sync:pending',
      'update:restart',
      'vault:change-passphrase',
      'vault:set-passphrase',
      'vault:state',
      'vault:unlock',
    ]);
    expect(isIpcChannel('session:load')).toBe(true);
    expect(isIpcChannel('shell:exec')).toBe(false);
    expect(isIpcChannel('__proto__')).toBe(false);
  });
});
