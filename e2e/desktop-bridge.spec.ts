/**
 * The renderer's side of the desktop bridge, in Chromium with a stand-in for the
 * preload's `window.cohort` (the Electron window tests drive the real one where an
 * Electron binary exists): menu commands, the native save path for CSV exports, the
 * waiting count main asks about before quitting, and the keyring warning.
 */
import { expect, test } from '@playwright/test';
import { SignInPage } from './page-models/SignInPage';
import { screenshot } from './support';

const FAKE_BRIDGE = `
  window.__bridge = { saved: [], pending: [], logs: [], listener: null };
  const b = window.__bridge;
  b.key = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)));
  window.cohort = {
    session: {
      load: async () => localStorage.getItem('fake.session'),
      save: async (json) => { localStorage.setItem('fake.session', json); return null; },
      clear: async () => { localStorage.removeItem('fake.session'); return null; },
    },
    appInfo: async () => ({ version: '9.9.9', platform: 'linux', keyring: 'basic_text' }),
    databaseKey: async () =>
      localStorage.getItem('fake.passphrase') ? { passphraseRequired: true } : { key: b.key },
    unlockDatabase: async (name, passphrase) =>
      passphrase === localStorage.getItem('fake.passphrase') ? { key: b.key } : { wrongPassphrase: true },
    setPassphrase: async (name, passphrase) => { localStorage.setItem('fake.passphrase', passphrase); return null; },
    forgetDatabaseKey: async () => null,
    saveFile: async (name, content) => { b.saved.push({ name, content }); return '/home/me/' + name; },
    log: async (level, message) => { b.logs.push(level + ': ' + message); return null; },
    reportPending: async (count) => { b.pending.push(count); return null; },
    restartToUpdate: async () => false,
    onCommand: (listener) => { b.listener = listener; return () => { b.listener = null; }; },
  };
`;

test('menu commands, the native save path and the keyring warning work through the bridge', async ({
  page,
}) => {
  await page.addInitScript(FAKE_BRIDGE);
  await SignInPage.signedIn(page);
  await expect(page.getByText('This laptop’s data is not protected by an OS keyring')).toBeVisible();
  await screenshot(page, 'desktop-keyring-warning');

  const send = (command: string) => page.evaluate(`window.__bridge.listener(${JSON.stringify(command)})`);
  await page.getByRole('link', { name: 'Clients' }).click();
  await send('new-group');
  await expect(page.getByRole('dialog', { name: 'New group' })).toBeVisible();
  await page.keyboard.press('Escape');
  await send('find');
  await expect(page.getByRole('searchbox', { name: 'Search groups' })).toBeFocused();
  await send('preferences');
  const preferences = page.getByRole('dialog', { name: 'Preferences' });
  await expect(preferences).toContainText('Cohort 9.9.9');
  await page.waitForTimeout(300); // the dialog's fade-in, for the screenshot
  await screenshot(page, 'desktop-preferences');
  await page.keyboard.press('Escape');

  // CSV export goes to the native save dialog, not a browser download.
  await page.getByRole('checkbox', { name: /Grief support circle/ }).check();
  await page.getByRole('button', { name: 'Export CSV' }).click();
  await expect.poll(() => page.evaluate<number>('window.__bridge.saved.length')).toBe(1);
  const saved = await page.evaluate<{ name: string; content: string }>('window.__bridge.saved[0]');
  expect(saved.name).toMatch(/^cohort-groups-\d{4}-\d{2}-\d{2}\.csv$/);
  expect(saved.content).toContain('Grief support circle');

  // Main learns how many changes wait, so it can ask before quitting.
  await expect.poll(() => page.evaluate<number[]>('window.__bridge.pending')).toContain(0);
  await send('update-ready');
  await expect(page.getByText('An update is ready')).toBeVisible();
});

test('without a keyring, a passphrase protects the data key and is asked at the next start', async ({
  page,
}) => {
  await page.addInitScript(FAKE_BRIDGE);
  await SignInPage.signedIn(page);
  await page.getByRole('button', { name: 'Use a passphrase' }).click();
  const dialog = page.getByRole('dialog', { name: 'Protect this laptop with a passphrase' });
  await dialog.getByLabel('Passphrase', { exact: true }).fill('too short');
  await dialog.getByRole('button', { name: 'Use this passphrase' }).click();
  await expect(dialog).toContainText('At least 10 characters.');
  await dialog.getByLabel('Passphrase', { exact: true }).fill('correct horse battery');
  await dialog.getByLabel('The same passphrase again').fill('correct horse batterY');
  await dialog.getByRole('button', { name: 'Use this passphrase' }).click();
  await expect(dialog).toContainText('The two passphrases differ.');
  await dialog.getByLabel('The same passphrase again').fill('correct horse battery');
  await dialog.getByRole('button', { name: 'Use this passphrase' }).click();
  await expect(dialog).toContainText('From now on Cohort asks for the passphrase');
  await dialog.getByRole('button', { name: 'Close' }).click();

  await page.reload();
  await expect(page.getByRole('heading', { name: 'Unlock Cohort' })).toBeVisible();
  await page.getByLabel(/^Passphrase/).fill('wrong horse battery');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByText('That passphrase does not open this laptop’s data.')).toBeVisible();
  await screenshot(page, 'desktop-unlock');
  await page.getByLabel(/^Passphrase/).fill('correct horse battery');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('link', { name: 'Mindfulness Tuesday' })).toBeVisible();
});
