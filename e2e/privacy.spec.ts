/**
 * Client data stays where it belongs (issue 17): nothing of it in plain text anywhere in a
 * browser profile on disk after a sync — not in the HTTP cache, IndexedDB, local storage or
 * any other file Chromium writes; the sign-in form refuses plain http to another computer;
 * and once signed in, the page can reach its own server alone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, expect, test } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../playwright.config';
import { SignInPage } from './page-models/SignInPage';
import { screenshot, SERVER_URL } from './support';

/** Seeded client data (sync/server/seedData.ts): names, emails, phones. */
const CLIENT_DATA = [
  'Anna de Vries',
  'anna.devries@example.nl',
  'Carmen Popescu',
  'fatima.elamrani@example.nl',
];

/** The files under `dir` that hold `text`, as UTF-8 or as UTF-16 (how Chromium keeps some strings). */
function filesHolding(dir: string, text: string): string[] {
  const needles = [Buffer.from(text, 'utf8'), Buffer.from(text, 'utf16le')];
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const file = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.isFile() && needles.some((n) => fs.readFileSync(file).includes(n))) found.push(file);
    }
  };
  walk(dir);
  return found.map((f) => path.relative(dir, f));
}

test('after a sync, no file of an on-disk browser profile holds client data in plain text', async ({
  baseURL,
}) => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    baseURL,
    viewport: { width: 1280, height: 800 },
    locale: 'en-GB',
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await SignInPage.signedIn(page);
    await page.getByRole('link', { name: 'Clients' }).click();
    await expect(page.getByRole('link', { name: 'Anna de Vries' })).toBeVisible();
    await page.getByRole('link', { name: 'Anna de Vries' }).click();
    await expect(page.getByText('anna.devries@example.nl')).toBeVisible();
    // The pull pages were fetched: the profile is where their plain JSON would be.
    expect(await page.evaluate(() => performance.getEntriesByType('resource').length)).toBeGreaterThan(3);
  } finally {
    await context.close();
  }
  const leaks = CLIENT_DATA.flatMap((value) => filesHolding(profile, value).map((f) => `${value} in ${f}`));
  expect(leaks).toEqual([]);
  // The profile is real: the local database is in it (sealed).
  expect(fs.readdirSync(path.join(profile, 'Default'))).toContain('IndexedDB');
  fs.rmSync(profile, { recursive: true, force: true });
});

test('the sign-in form refuses plain http to another computer, and https is the default', async ({
  page,
}) => {
  const signIn = new SignInPage(page);
  await signIn.open();
  const server = page.getByLabel('Server address');
  await server.fill('http://cohort.example.org');
  await signIn.signIn('admin@demo.test');
  await expect(page.getByRole('alert')).toContainText('Cohort connects to servers over https only');
  await screenshot(page, 'sign-in-plain-http');
  // A bare address is an https one: unreachable here (no network), not sent over http.
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await server.fill('cohort.example.org');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('cannot be reached');
  expect(requests.filter((u) => u.includes('cohort.example.org'))).toEqual([
    'https://cohort.example.org/api/v1/auth/login',
  ]);
});

test('once signed in, the page connects to its own server alone', async ({ page }) => {
  // The same server under another name: a different origin, so the policy tells them apart.
  const elsewhere = SERVER_URL.replace('127.0.0.1', 'localhost') + '/api/v1/health';
  const reach = () =>
    page.evaluate(
      (url) =>
        fetch(url).then(
          () => 'reached',
          () => 'refused',
        ),
      elsewhere,
    );
  await page.goto('/');
  expect(await reach()).toBe('reached');
  await SignInPage.signedIn(page);
  expect(await reach()).toBe('refused');
  // Its own server it still reaches.
  expect(await page.evaluate((url) => fetch(url).then((r) => r.status), `${SERVER_URL}/api/v1/health`)).toBe(
    200,
  );

  // Signed out, another server (here: the same one under another name) is a fresh page.
  await page.getByRole('button', { name: 'Account' }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  const signIn = new SignInPage(page);
  await expect(page.getByRole('heading', { name: 'Sign in to Cohort' })).toBeVisible({ timeout: 15_000 });
  const other = SERVER_URL.replace('127.0.0.1', 'localhost');
  await page.getByLabel('Server address').fill(other);
  await signIn.signIn('admin@demo.test');
  // The page came back with the new address; signing in now works.
  await expect(page.getByLabel('Server address')).toHaveValue(other);
  await signIn.signIn('admin@demo.test');
  await expect(page.getByTestId('sync-indicator')).toHaveAttribute('data-phase', 'synced', {
    timeout: 15_000,
  });
});
