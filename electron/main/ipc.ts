/**
 * The main process side of the IPC contract: one handler per channel, each call's
 * arguments validated before it runs, and only from the app's own window.
 * Runs in: main.
 */
import { IPC_CHANNELS, parseIpcArgs, type IpcArgs, type IpcChannel, type IpcResults } from '../ipc-contract';

export type IpcHandlers = {
  [C in IpcChannel]: (...args: IpcArgs<C>) => Promise<IpcResults[C]> | IpcResults[C];
};

/** Runs a call from the renderer: unknown channels and bad arguments are refused. */
export async function dispatchIpc(
  handlers: IpcHandlers,
  channel: IpcChannel,
  args: unknown[],
): Promise<unknown> {
  const parsed = parseIpcArgs(channel, args);
  const handler = handlers[channel] as (...a: unknown[]) => unknown;
  return handler(...(parsed as unknown[]));
}

export const IPC_CHANNEL_NAMES = Object.keys(IPC_CHANNELS) as IpcChannel[];
