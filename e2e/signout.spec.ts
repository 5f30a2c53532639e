/**
 * Signing out sends what is waiting, then deletes this laptop's copy of the
 * organisation: the local database, its key and the session. Changes that cannot be
 * sent are not deleted without asking.
 */
import { expect, test, type Page } from '@playwright/test';
import { SignInPage } from './page-models/SignInPage';
import { screenshot, SERVER_URL, uniqueId } from './support';

const LOCAL_DATA = `(async () => ({
  databases: (await indexedDB.databases()).map((d) => d.name).filter((n) => n.includes('cohort-')),
  keys: Object.keys(localStorage).filter((k) => k.startsWith('cohort.dbkey.') || k === 'cohort.session'),
}))()`;
type LocalData = { databases: string[]; keys: string[] };

async function openSignOut(page: Page) {
  await page.getByRole('button', { name: 'Account' }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
}

test('sign out deletes the local database, its key and the session', async ({ page }) => {
  await SignInPage.signedIn(page);
  const before = await page.evaluate<LocalData>(LOCAL_DATA);
  expect(before.databases.length).toBeGreaterThan(0);
  expect(before.keys).toContain('cohort.session');
  await openSignOut(page);
  await expect(page.getByRole('heading', { name: 'Sign in to Cohort' })).toBeVisible({ timeout: 15_000 });
  const after = await page.evaluate<LocalData>(LOCAL_DATA);
  expect(after).toEqual({ databases: [], keys: [] });
});

test('changes that cannot be sent are not deleted without asking', async ({ page, context }) => {
  const groups = await SignInPage.signedIn(page);
  await context.setOffline(true);
  await expect(page.getByTestId('sync-indicator')).toHaveAttribute('data-phase', 'offline');
  const name = `Unsent ${uniqueId('g')}`;
  await groups.createGroup(name);
  await openSignOut(page);
  const dialog = page.getByRole('dialog', { name: 'Sign out' });
  await expect(dialog).toContainText('1 change made on this laptop could not be sent to the server.', {
    timeout: 20_000,
  });
  await screenshot(page, 'sign-out-unsent');
  await dialog.getByRole('button', { name: 'Stay signed in' }).click();
  await expect(dialog).toBeHidden();
  await expect(groups.row(name)).toBeVisible();

  // Back online, the change goes out and signing out needs no question.
  await context.setOffline(false);
  await expect(page.getByTestId('sync-indicator')).toHaveAttribute('data-phase', 'synced', {
    timeout: 15_000,
  });
  await openSignOut(page);
  await expect(page.getByRole('heading', { name: 'Sign in to Cohort' })).toBeVisible({ timeout: 15_000 });
  expect((await page.evaluate<LocalData>(LOCAL_DATA)).databases).toEqual([]);
});

test('a sign-out that cannot reach the server ends the token there at the next connection', async ({
  page,
  context,
}) => {
  await SignInPage.signedIn(page);
  const { token } = JSON.parse(
    (await page.evaluate(() => localStorage.getItem('cohort.session'))) ?? '{}',
  ) as {
    token: string;
  };
  const me = () =>
    fetch(`${SERVER_URL}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
  expect(await me()).toBe(200);
  await context.setOffline(true);
  await expect(page.getByTestId('sync-indicator')).toHaveAttribute('data-phase', 'offline');
  await openSignOut(page);
  await expect(page.getByRole('heading', { name: 'Sign in to Cohort' })).toBeVisible({ timeout: 15_000 });
  // The server never heard of the sign-out: the token still works there, for now.
  expect(await me()).toBe(200);

  await context.setOffline(false);
  await new SignInPage(page).signIn('admin@demo.test');
  await expect(page.getByTestId('sync-indicator')).toHaveAttribute('data-phase', 'synced', {
    timeout: 15_000,
  });
  await expect.poll(me, { timeout: 10_000 }).toBe(401);
  expect(await page.evaluate(() => localStorage.getItem('cohort.revocations'))).toBeNull();
});
