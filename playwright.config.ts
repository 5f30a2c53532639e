import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { defineConfig } from '@playwright/test';

/** Debian's Chromium; never a downloaded browser. Override with COHORT_CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.COHORT_CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Flags for a root, offline, headless machine: no sandbox, no GPU, no calls home. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];
const SERVER_PORT = Number(process.env.COHORT_E2E_SERVER_PORT ?? 8797);
const WEB_PORT = Number(process.env.COHORT_E2E_WEB_PORT ?? 4174);
export const E2E_SERVER_URL = `http://127.0.0.1:${SERVER_PORT}`;

// A fresh server database for every run.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-e2e-'));

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'reports/playwright.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${WEB_PORT}`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
    viewport: { width: 1280, height: 800 },
    locale: 'en-GB',
    trace: 'retain-on-failure',
  },
  webServer: [
    {
      command: 'node_modules/.bin/tsx sync/server/main.ts',
      url: `${E2E_SERVER_URL}/api/v1/health`,
      env: { PORT: String(SERVER_PORT), COHORT_DATA_DIR: dataDir, COHORT_SEED_DEMO: '1', LOG_LEVEL: 'warn' },
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      command: `node_modules/.bin/vite build --logLevel warn && node_modules/.bin/vite preview --port ${WEB_PORT}`,
      url: `http://127.0.0.1:${WEB_PORT}`,
      env: { VITE_COHORT_SERVER_URL: E2E_SERVER_URL },
      reuseExistingServer: false,
      timeout: 120_000,
    },
  ],
});
