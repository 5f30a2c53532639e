/**
 * Updates from a generic feed (electron-updater): checked at start and every few hours,
 * downloaded in the background, installed when the user quits — or at once only when
 * the user asks and nothing is waiting to sync. Never a restart in the middle of work.
 * Runs in: main (the schedule is a plain function, tested).
 */
export const UPDATE_CHECK_INTERVAL_MS = 4 * 60 * 60_000;
export const FIRST_CHECK_DELAY_MS = 30_000;

export type Timers = {
  setTimeout(fn: () => void, ms: number): unknown;
  setInterval(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
};

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Checks soon after start (not during it), then on an interval; a failed check waits for the next. */
export function scheduleUpdateChecks(
  check: () => Promise<unknown>,
  { intervalMs = UPDATE_CHECK_INTERVAL_MS, firstDelayMs = FIRST_CHECK_DELAY_MS, timers = realTimers } = {},
): () => void {
  const run = () => void check().catch(() => undefined);
  const first = timers.setTimeout(run, firstDelayMs);
  const every = timers.setInterval(run, intervalMs);
  return () => {
    timers.clear(first);
    timers.clear(every);
  };
}

/** Whether "Restart to update" may restart now: only with nothing waiting to sync. */
export function mayRestartForUpdate(state: { updateReady: boolean; pendingChanges: number }): boolean {
  return state.updateReady && state.pendingChanges === 0;
}

/** The feed: COHORT_UPDATE_URL at run time, else the one electron-builder.yml publishes to (app-update.yml). */
export function updateFeed(env: NodeJS.ProcessEnv): { provider: 'generic'; url: string } | null {
  const url = env.COHORT_UPDATE_URL;
  if (!url) return null;
  if (!/^https:\/\//.test(url) && !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(url)) {
    throw new Error('COHORT_UPDATE_URL must be https (or http on this machine, for testing).');
  }
  return { provider: 'generic', url };
}
