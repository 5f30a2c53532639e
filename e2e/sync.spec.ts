/**
 * Conflicts between two browsers: both edit the same group offline, reconnect, and both
 * show the merged result; the side whose name lost lists it in "Sync conflicts" and
 * restores it with one click.
 */
import { expect, test, type Browser } from '@playwright/test';
import { GroupDetailPage } from './page-models/GroupDetailPage';
import { SignInPage } from './page-models/SignInPage';
import { groupDoc, pushAsDevice, screenshot, SERVER_URL, uniqueId, watchPageErrors } from './support';

async function offlineDevice(browser: Browser, id: string, name: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = watchPageErrors(page);
  await SignInPage.signedIn(page);
  const detail = new GroupDetailPage(page);
  await detail.goto(id, name);
  await context.setOffline(true);
  await expect(page.getByTestId('sync-indicator')).toHaveAttribute('data-phase', 'offline');
  return { context, page, detail, errors };
}

test('two offline edits of one group merge; the lost name is in Sync conflicts and restores', async ({
  browser,
}) => {
  const id = uniqueId('merge');
  const original = `Merge ${id}`;
  await pushAsDevice('groups', [groupDoc(id, original, 'Original description')]);
  const a = await offlineDevice(browser, id, original);
  const b = await offlineDevice(browser, id, original);

  // A renames and describes first; B renames later.
  await a.detail.editGroup({ name: `Name from A ${id}`, description: 'Description from A' });
  await b.detail.editGroup({ name: `Name from B ${id}` });

  // B reaches the server first; A meets the conflict when it reconnects.
  await b.context.setOffline(false);
  await expect(b.page.getByTestId('sync-indicator')).toHaveAttribute('data-phase', 'synced', {
    timeout: 15_000,
  });
  await a.context.setOffline(false);
  for (const device of [a, b]) {
    await device.detail.expectName(`Name from B ${id}`, 15_000);
    await expect(device.page.getByText('Description from A', { exact: true })).toBeVisible({
      timeout: 15_000,
    });
  }
  await expect(b.page.getByTestId('conflicts-badge')).toHaveCount(0);
  await screenshot(a.page, 'conflict-merged');

  // A's lost name waits in its conflict log, announced by the badge.
  await expect(a.page.getByTestId('conflicts-badge')).toHaveText('1');
  await a.page.getByRole('link', { name: /Sync conflicts/ }).click();
  await expect(a.page.getByRole('heading', { level: 1, name: 'Sync conflicts' })).toBeVisible();
  const entry = a.page.getByTestId('conflict-entry');
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText(`Name from B ${id}`);
  await expect(entry).toContainText('Name was changed on two laptops; the later change was kept.');
  await expect(entry.getByTestId('conflict-lost')).toHaveText(`Name from A ${id}`);
  await expect(entry.getByTestId('conflict-kept')).toHaveText(`Name from B ${id}`);
  await expect(entry).toContainText('Your change');
  await expect(a.page.getByTestId('conflicts-badge')).toHaveCount(0);
  await screenshot(a.page, 'conflicts');

  await entry.getByRole('button', { name: 'Restore' }).click();
  await expect(entry).toContainText('Restored');
  await screenshot(a.page, 'conflicts-restored');
  // The restore is a new edit: it reaches B too, and the description stays.
  await b.detail.expectName(`Name from A ${id}`, 15_000);
  await expect(b.page.getByText('Description from A', { exact: true })).toBeVisible();

  expect([...a.errors, ...b.errors]).toEqual([]);
  await a.context.close();
  await b.context.close();
});

test('a laptop of an older sync protocol is told to update, keeps its change, and sends it once updated', async ({
  page,
}) => {
  const errors = watchPageErrors(page);
  const groups = await SignInPage.signedIn(page);
  // This laptop as a Cohort of protocol 1 would be: its sync requests say so to the real server.
  await page.route(`${SERVER_URL}/api/v1/sync/**`, (route) =>
    route.continue({ headers: { ...route.request().headers(), 'cohort-protocol': '1' } }),
  );
  const name = `Before the update ${uniqueId('g')}`;
  await groups.createGroup(name);
  await groups.syncIndicator.click();
  await expect(groups.syncIndicator).toHaveAttribute('data-phase', 'error', { timeout: 15_000 });
  await expect(groups.syncIndicator).toHaveAccessibleName('Update Cohort to sync · 1 change waiting');
  await expect(page.getByText('This server works with a newer version of Cohort.')).toBeVisible();
  await screenshot(page, 'sync-update-required');

  // Updated: the same laptop, its change still there, syncs it.
  await page.unroute(`${SERVER_URL}/api/v1/sync/**`);
  await page.getByRole('button', { name: 'Sync now' }).click();
  await groups.expectSynced();
  await expect(groups.row(name)).toBeVisible();
  expect(errors).toEqual([]);
});
