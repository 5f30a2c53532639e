/**
 * What the environment may change of the main process, read once at start. Development
 * and test settings (a dev server to load, another update feed, another data folder) are
 * honoured only when the app runs unpackaged: in an installed app they would let anyone
 * who can set an environment variable load a page of their choice — which then passes
 * the IPC sender check and can ask for the database key — or install updates from
 * elsewhere. Runs in: main (a plain function, tested).
 */
import { updateFeed } from './updater';

export type MainConfig = {
  /** The renderer's dev server (`npm start`), instead of the built renderer on cohort://app. */
  devServerUrl: string | undefined;
  /** An update feed instead of the one electron-builder.yml publishes to. */
  updateFeed: ReturnType<typeof updateFeed>;
  /** Another user data folder (tests, two profiles side by side). */
  userDataDir: string | undefined;
};

export function mainConfig(env: NodeJS.ProcessEnv, isPackaged: boolean): MainConfig {
  if (isPackaged) return { devServerUrl: undefined, updateFeed: null, userDataDir: undefined };
  const devServerUrl = env.COHORT_DEV_URL || undefined;
  if (devServerUrl && !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/?$/.test(devServerUrl)) {
    throw new Error('COHORT_DEV_URL must be the dev server on this machine (http://127.0.0.1:<port>).');
  }
  return { devServerUrl, updateFeed: updateFeed(env), userDataDir: env.COHORT_USER_DATA_DIR || undefined };
}
