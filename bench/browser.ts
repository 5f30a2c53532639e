/**
 * The app as a user gets it, for the browser benchmarks: the renderer built once and
 * served by `vite preview`, Debian's Chromium, a sign-in on a fresh device that is timed
 * until everything is on the device, and the renderer's peak JavaScript heap meanwhile.
 *
 * A device is a Chromium with a new profile folder of its own, so its IndexedDB is on
 * disk as in the installed app, not a Playwright context's in-memory (off-the-record)
 * IndexedDB: Debian's Chromium 150 keeps that in an in-memory LevelDB whose secondary
 * indexes cost several times the on-disk ones (the README's performance section), and no
 * user's app runs on it. `--in-memory` measures that way instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../playwright.config';

const PREVIEW_PORT = 4180;

export type Figure = { name: string; unit: string; values: number[] };

const started = performance.now();
/** A progress line on stderr, with the minutes since the benchmark started. */
export const progress = (message: string) =>
  console.error(`bench ${((performance.now() - started) / 60_000).toFixed(1).padStart(4)} min: ${message}`);

function run(command: string, args: string[]): ChildProcess {
  return spawn(command, args, { env: process.env, stdio: ['ignore', 'ignore', 'inherit'] });
}

async function waitForUrl(url: string) {
  for (let i = 0; i < 400; i++) {
    const up = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

export type BenchApp = {
  appUrl: string;
  /** A fresh device: a browser context with IndexedDB of its own, and a first page. */
  newDevice(): Promise<{ context: BrowserContext; page: Page }>;
  /** The pages of the devices still open (for a screenshot when a run fails). */
  openPages(): Page[];
  close(): Promise<void>;
};

const DEVICE_OPTIONS = { viewport: { width: 1280, height: 800 }, locale: 'en-GB' };

/** Builds the renderer, serves it, and starts Chromium (one per device, or one for all with `inMemory`). */
export async function startBenchApp({ inMemory = false } = {}): Promise<BenchApp> {
  progress('building the renderer');
  const build = run('node_modules/.bin/vite', ['build', '--logLevel', 'error']);
  await new Promise((resolve, reject) =>
    build.on('exit', (c) => (c === 0 ? resolve(null) : reject(new Error('vite build failed')))),
  );
  const preview = run('node_modules/.bin/vite', ['preview', '--port', String(PREVIEW_PORT)]);
  const appUrl = `http://127.0.0.1:${PREVIEW_PORT}/`;
  await waitForUrl(appUrl);
  const launch = { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS };
  const browser = inMemory ? await chromium.launch(launch) : null;
  const devices = new Set<BrowserContext>();
  const profiles = inMemory ? '' : fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-bench-devices-'));
  // Chromium may still be writing its profile as the context reports closing: retried, and whatever is left goes with `profiles`.
  const remove = (folder: string) =>
    fs.promises.rm(folder, { recursive: true, force: true, maxRetries: 10 }).catch(() => undefined);
  return {
    appUrl,
    async newDevice() {
      let context: BrowserContext;
      if (browser) {
        context = await browser.newContext(DEVICE_OPTIONS);
      } else {
        const profile = fs.mkdtempSync(path.join(profiles, 'device-'));
        context = await chromium.launchPersistentContext(profile, { ...launch, ...DEVICE_OPTIONS });
        context.on('close', () => void remove(profile));
      }
      devices.add(context);
      context.on('close', () => devices.delete(context));
      return { context, page: context.pages()[0] ?? (await context.newPage()) };
    },
    openPages: () => [...devices].flatMap((context) => context.pages()),
    async close() {
      for (const context of devices) await context.close();
      await browser?.close();
      if (profiles) await remove(profiles);
      preview.kill('SIGTERM');
    },
  };
}

/** Samples the page's used JavaScript heap every 100 ms until stopped: the peak, in MB. */
export async function watchHeap(page: Page): Promise<() => Promise<number>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  let peak = 0;
  let running = true;
  const sample = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const used = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
    peak = Math.max(peak, used);
  };
  const loop = (async () => {
    while (running) {
      await sample().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return async () => {
    running = false;
    await loop;
    await cdp.detach().catch(() => undefined);
    return peak / 2 ** 20;
  };
}

export type SyncedDevice = { context: BrowserContext; page: Page; seconds: number; peakHeapMb: number };

/**
 * A fresh device signs in to `serverUrl` and syncs: seconds from pressing "Sign in" until
 * every group is listed and the sync indicator says everything is exchanged.
 */
export async function signInAndSync(
  app: BenchApp,
  serverUrl: string,
  expectedGroups: number,
  timeoutMs: number,
): Promise<SyncedDevice> {
  const { context, page } = await app.newDevice();
  await page.goto(app.appUrl);
  await page.getByLabel(/^Server address/).fill(serverUrl);
  await page.getByLabel(/^Email/).fill('admin@demo.test');
  await page.getByLabel(/^Password/).fill('cohort-demo');
  const stopHeap = await watchHeap(page);
  const start = Date.now();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page
    .getByTestId('groups-count')
    .filter({ hasText: new RegExp(`^${expectedGroups.toLocaleString('en')} groups`) })
    .waitFor({ timeout: timeoutMs });
  await page
    .getByTestId('sync-indicator')
    .and(page.locator('[data-phase="synced"]'))
    .waitFor({ timeout: timeoutMs });
  const seconds = (Date.now() - start) / 1000;
  return { context, page, seconds, peakHeapMb: await stopHeap() };
}
