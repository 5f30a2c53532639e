/**
 * The app as a user gets it, for the browser benchmarks: the renderer built once and
 * served by `vite preview`, Debian's Chromium, a sign-in on a fresh device (its own
 * browser context, so its own IndexedDB) that is timed until everything is on the
 * device, and the renderer's peak JavaScript heap meanwhile.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
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

export type BenchApp = { browser: Browser; appUrl: string; close(): Promise<void> };

/** Builds the renderer, serves it, and starts Chromium. */
export async function startBenchApp(): Promise<BenchApp> {
  progress('building the renderer');
  const build = run('node_modules/.bin/vite', ['build', '--logLevel', 'error']);
  await new Promise((resolve, reject) =>
    build.on('exit', (c) => (c === 0 ? resolve(null) : reject(new Error('vite build failed')))),
  );
  const preview = run('node_modules/.bin/vite', ['preview', '--port', String(PREVIEW_PORT)]);
  const appUrl = `http://127.0.0.1:${PREVIEW_PORT}/`;
  await waitForUrl(appUrl);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  return {
    browser,
    appUrl,
    async close() {
      await browser.close();
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
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
  const page = await context.newPage();
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
