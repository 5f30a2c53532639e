/**
 * The one contract between the renderer and the main process. Every channel is listed
 * here with a zod schema for its argument; the preload exposes exactly these as
 * `window.cohort`, and main validates each call before handling it.
 *
 * Runs in: main, preload and renderer (no Node or DOM imports).
 */
import { z } from 'zod';

/** A session is handed over as opaque JSON text; main only encrypts and stores it. */
const sessionText = z.string().max(64 * 1024);

/** A local database's name, as databaseName() makes them: the only thing key channels take. */
export const DATABASE_NAME = /^cohort-[a-z0-9-]{1,80}$/;
const databaseName = z.string().regex(DATABASE_NAME);

/** At least this long: a laptop without a keyring is only as safe as its passphrase. */
export const PASSPHRASE_MIN_LENGTH = 10;
const passphrase = z.string().min(1).max(1000);
const newPassphrase = z.string().min(PASSPHRASE_MIN_LENGTH).max(1000);

export const IPC_CHANNELS = {
  'session:load': z.tuple([]),
  'session:save': z.tuple([sessionText]),
  'session:clear': z.tuple([]),
  /** Sign-outs that could not reach their server: kept like the session, revoked at the next connection. */
  'revocations:load': z.tuple([]),
  'revocations:save': z.tuple([sessionText.nullable()]),
  'app:info': z.tuple([]),
  /** How this laptop's secrets are protected: the OS keyring, or a passphrase (and whether it was given). */
  'vault:state': z.tuple([]),
  /** Chooses the passphrase of a laptop without a keyring (before anything is stored). */
  'vault:set-passphrase': z.tuple([newPassphrase]),
  'vault:unlock': z.tuple([passphrase]),
  /** The current passphrase and the new one: every database gets a new key. */
  'vault:change-passphrase': z.tuple([passphrase, newPassphrase]),
  /** The key of one local database (named as databaseName() makes them), and the keys it replaces. */
  'db:key': z.tuple([databaseName]),
  /** Every page of that database is sealed with its current key now: the older keys go. */
  'db:key-rotated': z.tuple([databaseName]),
  /** Deletes that key (signing out deletes the database it opened). */
  'db:forget': z.tuple([databaseName]),
  /** Saves text through the native save dialog: a suggested file name and the content. */
  'file:save': z.tuple([z.string().regex(/^[\w. -]{1,120}\.csv$/), z.string().max(50 * 1024 * 1024)]),
  /** A line for the log file (secrets are redacted in main). */
  'log:write': z.tuple([z.enum(['info', 'warn', 'error']), z.string().max(10_000)]),
  /** How many local changes wait for the server (main asks before quitting with some). */
  'sync:pending': z.tuple([z.number().int().nonnegative()]),
  /** Restart into a downloaded update (main refuses while changes wait). */
  'update:restart': z.tuple([]),
} as const;

export type IpcChannel = keyof typeof IPC_CHANNELS;

/** Menu commands main sends to the window on the `app:command` event. */
export const APP_COMMANDS = ['new-group', 'find', 'sync-now', 'preferences', 'update-ready'] as const;
export type AppCommand = (typeof APP_COMMANDS)[number];
export const APP_COMMAND_EVENT = 'app:command';
export const isAppCommand = (value: unknown): value is AppCommand =>
  typeof value === 'string' && (APP_COMMANDS as readonly string[]).includes(value);

export type IpcResults = {
  'session:load': string | null;
  'session:save': null;
  'session:clear': null;
  'revocations:load': string | null;
  'revocations:save': null;
  'app:info': { version: string; platform: string; keyring: 'os' | 'basic_text' | 'unavailable' };
  'vault:state': VaultState;
  'vault:set-passphrase': null;
  'vault:unlock': { ok: true } | { wrongPassphrase: true };
  'vault:change-passphrase': { ok: true } | { wrongPassphrase: true };
  /** The raw AES key, base64, and the keys some of its pages may still be sealed with. */
  'db:key': { key: string; older?: string[] };
  'db:key-rotated': null;
  'db:forget': null;
  /** The saved file's path, or null when the user cancelled. */
  'file:save': string | null;
  'log:write': null;
  'sync:pending': null;
  'update:restart': boolean;
};

/**
 * `keyring`: the OS keyring protects the secrets. `passphrase`: there is none (Linux
 * `basic_text`), so a passphrase does; `unset` until one is chosen (nothing is stored
 * before), `legacy` when an earlier Cohort left secrets without one.
 */
export type VaultState =
  { mode: 'keyring' } | { mode: 'passphrase'; state: 'unset' | 'locked' | 'unlocked'; legacy: boolean };

export type IpcArgs<C extends IpcChannel> = z.infer<(typeof IPC_CHANNELS)[C]>;

/** What the preload exposes as `window.cohort`. */
export type CohortBridge = {
  session: {
    load(): Promise<string | null>;
    save(sessionJson: string): Promise<null>;
    clear(): Promise<null>;
  };
  revocations: {
    load(): Promise<string | null>;
    save(text: string | null): Promise<null>;
  };
  appInfo(): Promise<IpcResults['app:info']>;
  vault: {
    state(): Promise<VaultState>;
    setPassphrase(passphrase: string): Promise<null>;
    unlock(passphrase: string): Promise<IpcResults['vault:unlock']>;
    changePassphrase(current: string, next: string): Promise<IpcResults['vault:change-passphrase']>;
  };
  databaseKey(name: string): Promise<IpcResults['db:key']>;
  databaseKeyRotated(name: string): Promise<null>;
  forgetDatabaseKey(name: string): Promise<null>;
  /** Listens to menu commands; returns the function that stops listening. */
  onCommand(listener: (command: AppCommand) => void): () => void;
  saveFile(name: string, content: string): Promise<string | null>;
  log(level: 'info' | 'warn' | 'error', message: string): Promise<null>;
  reportPending(count: number): Promise<null>;
  restartToUpdate(): Promise<boolean>;
};

/** Validates a call's arguments; throws with the channel name when they do not fit. */
export function parseIpcArgs<C extends IpcChannel>(channel: C, args: unknown[]): IpcArgs<C> {
  const schema = IPC_CHANNELS[channel];
  const result = schema.safeParse(args);
  if (!result.success) throw new Error(`Invalid arguments for ${channel}`);
  return result.data as IpcArgs<C>;
}

export function isIpcChannel(value: unknown): value is IpcChannel {
  return typeof value === 'string' && Object.hasOwn(IPC_CHANNELS, value);
}
