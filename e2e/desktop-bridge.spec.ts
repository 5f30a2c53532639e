/**
 * The renderer's side of the desktop bridge, in Chromium with a stand-in for the
 * preload's `window.cohort` (the Electron window tests drive the real one where an
 * Electron binary exists): menu commands, the native save path for CSV exports, the
 * waiting count main asks about before quitting, and — on a laptop without a keyring —
 * the passphrase chosen before anything is stored, asked at each start, and changed.
 */
import { expect, test, type Page } from '@playwright/test';
import { SignInPage } from './page-models/SignInPage';
import { screenshot } from './support';

/**
 * The preload's object, with main's side played in the page: `fake.mode` picks the
 * protection ('passphrase': a laptop without a keyring). What main keeps in memory
 * (unlocked) lives in sessionStorage, so it survives a reload as main survives one; an
 * app restart is a reload with that cleared.
 */
const FAKE_BRIDGE = `
  window.__bridge = { saved: [], pending: [], logs: [], events: [], listener: null };
  const b = window.__bridge;
  const ls = localStorage, ss = sessionStorage;
  const newKey = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
  const passphraseMode = () => ls.getItem('fake.mode') === 'passphrase';
  const locked = () => passphraseMode() && ss.getItem('fake.unlocked') !== '1';
  const note = (event) => b.events.push(event);
  window.cohort = {
    session: {
      load: async () => { if (locked()) throw new Error('locked'); return ls.getItem('fake.session'); },
      save: async (json) => {
        if (passphraseMode() && !ls.getItem('fake.passphrase')) throw new Error('no passphrase yet');
        note('session:save'); ls.setItem('fake.session', json); return null;
      },
      clear: async () => { ls.removeItem('fake.session'); return null; },
    },
    revocations: {
      load: async () => ls.getItem('fake.revocations'),
      save: async (text) => { text === null ? ls.removeItem('fake.revocations') : ls.setItem('fake.revocations', text); return null; },
    },
    appInfo: async () => ({ version: '9.9.9', platform: 'linux', keyring: passphraseMode() ? 'basic_text' : 'os' }),
    vault: {
      state: async () => !passphraseMode() ? { mode: 'keyring' }
        : { mode: 'passphrase', legacy: false,
            state: !ls.getItem('fake.passphrase') ? 'unset' : locked() ? 'locked' : 'unlocked' },
      setPassphrase: async (p) => { note('vault:set-passphrase'); ls.setItem('fake.passphrase', p); ss.setItem('fake.unlocked', '1'); return null; },
      unlock: async (p) => {
        if (p !== ls.getItem('fake.passphrase')) return { wrongPassphrase: true };
        ss.setItem('fake.unlocked', '1'); return { ok: true };
      },
      changePassphrase: async (current, next) => {
        if (current !== ls.getItem('fake.passphrase')) return { wrongPassphrase: true };
        ls.setItem('fake.passphrase', next);
        ls.setItem('fake.older', JSON.stringify([ls.getItem('fake.dbkey')]));
        ls.setItem('fake.dbkey', newKey());
        note('vault:change-passphrase');
        return { ok: true };
      },
    },
    databaseKey: async () => {
      if (locked() || (passphraseMode() && !ls.getItem('fake.passphrase'))) throw new Error('locked');
      note('db:key');
      if (!ls.getItem('fake.dbkey')) ls.setItem('fake.dbkey', newKey());
      const older = JSON.parse(ls.getItem('fake.older') ?? '[]');
      return older.length ? { key: ls.getItem('fake.dbkey'), older } : { key: ls.getItem('fake.dbkey') };
    },
    databaseKeyRotated: async () => { note('db:key-rotated'); ls.removeItem('fake.older'); return null; },
    forgetDatabaseKey: async () => null,
    saveFile: async (name, content) => { b.saved.push({ name, content }); return '/home/me/' + name; },
    log: async (level, message) => { b.logs.push(level + ': ' + message); return null; },
    reportPending: async (count) => { b.pending.push(count); return null; },
    restartToUpdate: async () => false,
    onCommand: (listener) => { b.listener = listener; return () => { b.listener = null; }; },
  };
`;

const send = (page: Page, command: string) =>
  page.evaluate(`window.__bridge.listener(${JSON.stringify(command)})`);

test('menu commands and the native save path work through the bridge', async ({ page }) => {
  await page.addInitScript(FAKE_BRIDGE);
  await SignInPage.signedIn(page);

  await page.getByRole('link', { name: 'Clients' }).click();
  await send(page, 'new-group');
  await expect(page.getByRole('dialog', { name: 'New group' })).toBeVisible();
  await page.keyboard.press('Escape');
  await send(page, 'find');
  await expect(page.getByRole('searchbox', { name: 'Search groups' })).toBeFocused();
  await send(page, 'preferences');
  const preferences = page.getByRole('dialog', { name: 'Preferences' });
  await expect(preferences).toContainText('Cohort 9.9.9');
  await expect(preferences).toContainText('protected by the operating system’s keyring');
  await expect(preferences.getByRole('button', { name: 'Change passphrase' })).toHaveCount(0);
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
  await send(page, 'update-ready');
  await expect(page.getByText('An update is ready')).toBeVisible();
});

test('without a keyring: a passphrase before anything is stored, asked at each start, and changed with a new key', async ({
  page,
}) => {
  await page.addInitScript(FAKE_BRIDGE);
  await page.addInitScript(`localStorage.setItem('fake.mode', 'passphrase')`);
  const signIn = new SignInPage(page);
  await signIn.open();
  await signIn.signIn('admin@demo.test');

  // Signed in, but nothing is kept until a passphrase is chosen.
  const protect = page.getByRole('heading', { name: 'Protect this laptop with a passphrase' });
  await expect(protect).toBeVisible();
  expect(await page.evaluate<string[]>('window.__bridge.events')).toEqual([]);
  await page.getByLabel('Passphrase', { exact: true }).fill('too short');
  await page.getByRole('button', { name: 'Use this passphrase' }).click();
  await expect(page.getByText('At least 10 characters.')).toBeVisible();
  await page.getByLabel('Passphrase', { exact: true }).fill('correct horse battery');
  await page.getByLabel('The same passphrase again').fill('correct horse batterY');
  await page.getByRole('button', { name: 'Use this passphrase' }).click();
  await expect(page.getByText('The two passphrases differ.')).toBeVisible();
  await screenshot(page, 'desktop-choose-passphrase');
  await page.getByLabel('The same passphrase again').fill('correct horse battery');
  await page.getByRole('button', { name: 'Use this passphrase' }).click();
  await expect(page.getByRole('link', { name: 'Mindfulness Tuesday' })).toBeVisible();
  const events = await page.evaluate<string[]>('window.__bridge.events');
  expect(events.slice(0, 3)).toEqual(['vault:set-passphrase', 'session:save', 'db:key']);

  // The next start: locked until the passphrase is given.
  await page.evaluate(`sessionStorage.removeItem('fake.unlocked')`);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Unlock Cohort' })).toBeVisible();
  await page.getByLabel(/^Passphrase/).fill('wrong horse battery');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByText('That passphrase does not open this laptop’s data.')).toBeVisible();
  await screenshot(page, 'desktop-unlock');
  await page.getByLabel(/^Passphrase/).fill('correct horse battery');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('link', { name: 'Mindfulness Tuesday' })).toBeVisible();

  // A new passphrase: the database gets a new key, its pages are re-sealed on the restart.
  await send(page, 'preferences');
  const preferences = page.getByRole('dialog', { name: 'Preferences' });
  await expect(preferences).toContainText('protected by your passphrase');
  await preferences.getByRole('button', { name: 'Change passphrase' }).click();
  const change = page.getByRole('dialog', { name: 'Change the passphrase' });
  await change.getByLabel('Current passphrase').fill('wrong horse battery');
  await change.getByLabel('New passphrase').fill('staple battery horse');
  await change.getByLabel('The same passphrase again').fill('staple battery horse');
  await change.getByRole('button', { name: 'Change passphrase' }).click();
  await expect(change.getByText('That is not the current passphrase.')).toBeVisible();
  await page.waitForTimeout(300); // the dialog's fade-in, for the screenshot
  await screenshot(page, 'desktop-change-passphrase');
  await change.getByLabel('Current passphrase').fill('correct horse battery');
  await change.getByRole('button', { name: 'Change passphrase' }).click();
  await expect(change).toContainText('Cohort restarts to seal the data');
  await change.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByRole('link', { name: 'Mindfulness Tuesday' })).toBeVisible();
  await expect
    .poll(() => page.evaluate<string[]>('window.__bridge.events'))
    .toEqual(expect.arrayContaining(['db:key', 'db:key-rotated']));
  expect(await page.evaluate<string | null>(`localStorage.getItem('fake.older')`)).toBeNull();
  // Re-sealed: the database opens with the new key alone, after another restart.
  await page.reload();
  await expect(page.getByRole('link', { name: 'Mindfulness Tuesday' })).toBeVisible();
});
