/**
 * The walking skeleton in a real browser against the real server: sign in, create a
 * group with validation, see it reach a second device live, and survive a network cut.
 */
import { expect, test, type Browser } from '@playwright/test';
import { GroupsPage } from './page-models/GroupsPage';
import { SignInPage } from './page-models/SignInPage';
import { screenshot, SERVER_URL, unique, watchPageErrors } from './support';

async function signedInDevice(browser: Browser, email = 'admin@demo.test') {
  const context = await browser.newContext();
  const page = await context.newPage();
  const groups = await SignInPage.signedIn(page, email);
  return { context, page, groups };
}

test('sign in, create a group with validation, and see it listed', async ({ page }) => {
  const errors = watchPageErrors(page);
  const signIn = new SignInPage(page);
  await signIn.open();
  await screenshot(page, 'sign-in');

  await signIn.signIn('admin@demo.test', 'wrong password');
  await expect(page.getByRole('alert')).toHaveText('The email or password is not right.');
  await signIn.signIn('admin@demo.test');

  const groups = new GroupsPage(page);
  await groups.expectLoaded();
  await expect(groups.row('Mindfulness Tuesday')).toBeVisible();
  await groups.expectSynced();
  await expect(groups.syncIndicator).toContainText(/Synced at \d\d:\d\d/);

  await groups.openNewGroup();
  await groups.submitNewGroup();
  await expect(groups.dialog.getByText('Give the group a name.')).toBeVisible();
  await groups.fillNewGroup('x'.repeat(101));
  await expect(groups.dialog.getByText('A name can be at most 100 characters.')).toBeVisible();
  await groups.submitNewGroup();
  await expect(groups.dialog).toBeVisible();
  await screenshot(page, 'new-group-dialog-errors');

  const name = unique('Breathing practice');
  await groups.fillNewGroup(`  ${name}  `, 'Thursday mornings, 9:00–10:00');
  await expect(groups.dialog.getByText('A name can be at most 100 characters.')).toBeHidden();
  await screenshot(page, 'new-group-dialog');
  await groups.submitNewGroup();
  await expect(groups.dialog).toBeHidden();
  // A new group opens at once, ready for members.
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await groups.backToList();
  await expect(groups.row(name)).toContainText('Thursday mornings');
  await groups.expectSynced();
  await screenshot(page, 'groups-list');

  // The session survives a reload (kept for offline use).
  await page.reload();
  await groups.expectLoaded();
  await expect(groups.row(name)).toBeVisible();

  await groups.search.fill('breathing');
  await expect(page.getByTestId('group-row')).toHaveCount(1);
  await groups.search.fill('no such group');
  await expect(page.getByText('No groups match “no such group”.')).toBeVisible();
  // The built renderer runs under the desktop app's CSP, and the session's (its own server
  // alone): nothing was refused, nothing threw.
  const policies = page.locator('meta[http-equiv="Content-Security-Policy"]');
  expect(await policies.first().getAttribute('content')).toContain("script-src 'self'");
  expect(await policies.nth(1).getAttribute('content')).toBe(`connect-src 'self' ${SERVER_URL}`);
  expect(errors).toEqual([]);
});

test('a group created on one device appears on another without reload', async ({ browser }) => {
  const a = await signedInDevice(browser);
  const b = await signedInDevice(browser, 'practitioner@demo.test');
  const name = unique('Live group');
  await a.groups.createGroup(name, 'Made on device A');
  await expect(b.groups.row(name)).toBeVisible({ timeout: 10_000 });
  await a.context.close();
  await b.context.close();
});

test('offline: a group is created, waits, and reaches the other device after reconnecting', async ({
  browser,
}) => {
  const a = await signedInDevice(browser);
  const b = await signedInDevice(browser);
  await b.context.setOffline(true);
  await expect(b.groups.syncIndicator).toHaveAttribute('data-phase', 'offline');

  const name = unique('Offline group');
  await b.groups.createGroup(name, 'Made while offline');
  await expect(b.groups.syncIndicator).toContainText('1 change waiting');
  await screenshot(b.page, 'offline-change-waiting');
  await a.page.waitForTimeout(1000);
  await expect(a.groups.row(name)).toHaveCount(0);

  await b.context.setOffline(false);
  await expect(a.groups.row(name)).toBeVisible({ timeout: 15_000 });
  await b.groups.expectSynced();
  await a.context.close();
  await b.context.close();
});

test('a viewer sees the groups but no way to create one', async ({ browser }) => {
  const v = await signedInDevice(browser, 'viewer@demo.test');
  await expect(v.groups.row('Grief support circle')).toBeVisible();
  await expect(v.page.getByRole('button', { name: 'New group' })).toHaveCount(0);
  await v.context.close();
});
