/**
 * One tab at a time holds an account's local database (renderer/data/engine/storage: each tab
 * keeps the data in memory, so two would not see each other's writes). A second tab says
 * so and waits; once the first is closed it goes on by itself, with the data the first
 * one wrote.
 */
import { expect, test } from '@playwright/test';
import { GroupsPage } from './page-models/GroupsPage';
import { SignInPage } from './page-models/SignInPage';
import { screenshot, uniqueId, watchPageErrors } from './support';

test('a second tab waits for the first, saying so, and goes on when it is closed', async ({
  page,
  context,
}) => {
  const groups = await SignInPage.signedIn(page);
  const name = `Made in the first tab ${uniqueId('g')}`;
  await groups.createGroup(name);

  const second = await context.newPage();
  const errors = watchPageErrors(second);
  await second.goto('/');
  const waiting = second.getByRole('status');
  await expect(waiting).toContainText('Cohort is open in another tab');
  await expect(waiting).toContainText('Close it there and Cohort continues here by itself.');
  await screenshot(second, 'second-tab-waiting');

  await page.close();
  const secondGroups = new GroupsPage(second);
  await secondGroups.expectLoaded();
  await expect(secondGroups.row(name)).toBeVisible();
  await secondGroups.expectSynced();
  expect(errors).toEqual([]);
});
