/**
 * The desktop window itself. Runs only where an Electron binary is present
 * (ELECTRON_OVERRIDE_DIST_PATH): this project's machines cannot download one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';
import { GroupsPage } from './page-models/GroupsPage';
import { SignInPage } from './page-models/SignInPage';
import { unique } from './support';

const distPath = process.env.ELECTRON_OVERRIDE_DIST_PATH;
if (!distPath) {
  console.log(
    'SKIPPED: Electron window tests — no Electron binary here (set ELECTRON_OVERRIDE_DIST_PATH to run them).',
  );
}
test.skip(!distPath, 'no Electron binary: set ELECTRON_OVERRIDE_DIST_PATH');

function launch(userDataDir: string): Promise<ElectronApplication> {
  return electron.launch({
    executablePath: path.join(distPath ?? '', 'electron'),
    args: ['.', '--no-sandbox'],
    env: { ...process.env, COHORT_USER_DATA_DIR: userDataDir } as Record<string, string>,
  });
}

test.beforeAll(async () => {
  const { execFileSync } = await import('node:child_process');
  execFileSync(process.execPath, ['scripts/build-electron.mjs'], { stdio: 'inherit' });
});

test('launch, sign in, create a group, restart and find it; navigation stays in the app', async () => {
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-electron-'));
  let app = await launch(userData);
  let page = await app.firstWindow();
  expect(await page.evaluate(() => typeof (window as unknown as { cohort?: unknown }).cohort)).toBe('object');
  // The renderer has no Node: no require, no process.
  expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');

  const signIn = new SignInPage(page);
  await expect(page.getByRole('heading', { name: 'Sign in to Cohort' })).toBeVisible();
  await signIn.signIn('admin@demo.test');
  let groups = new GroupsPage(page);
  await groups.expectLoaded();
  const name = unique('Desktop group');
  await groups.createGroup(name);
  await groups.expectSynced();

  const before = page.url();
  await page.evaluate(() => {
    window.location.href = 'https://example.com/';
  });
  await page.waitForTimeout(500);
  expect(page.url()).toBe(before);
  const opened = await page.evaluate(() => window.open('https://example.com/') === null);
  expect(opened).toBe(true);
  await app.close();

  // The session (encrypted by main) and the local database survive a restart.
  app = await launch(userData);
  page = await app.firstWindow();
  groups = new GroupsPage(page);
  await groups.expectLoaded();
  await expect(groups.row(name)).toBeVisible();
  await app.close();
});
