/** The groups overview and group detail of the reference practice tool, in Chromium against the real server. */
import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { SignInPage } from './page-models/SignInPage';
import { clientDoc, groupDoc, membershipDoc, pushAsDevice, screenshot, uniqueId } from './support';

const signIn = (page: Page, email?: string) => SignInPage.signedIn(page, email);

test('search filters as you type and at once on Enter, and survives opening a group', async ({ page }) => {
  const groups = await signIn(page);
  await groups.search.pressSequentially('grief');
  await expect(page.getByTestId('group-row')).toHaveCount(1);
  await expect(groups.row('Grief support circle')).toBeVisible();
  // Description matches too; Enter applies at once.
  await groups.search.fill('5 km');
  await groups.search.press('Enter');
  await expect(page.getByTestId('group-row')).toHaveCount(1);
  await expect(groups.row('Running for beginners')).toBeVisible();
  await groups.open('Running for beginners');
  await groups.backToList();
  await expect(groups.search).toHaveValue('5 km');
  await expect(page.getByTestId('group-row')).toHaveCount(1);
  await groups.search.fill('zzz-nothing');
  await expect(page.getByText('No groups match “zzz-nothing”.')).toBeVisible();
  await page.getByRole('button', { name: 'Clear search' }).click();
  await expect(groups.search).toHaveValue('');
});

test('the overview counts each group’s members, and those in it today', async ({ page }) => {
  const groupId = uniqueId('counted');
  const clients = ['Ana', 'Bram', 'Cato'].map((name) =>
    clientDoc(uniqueId('counted-client'), `${name} Counted`),
  );
  await pushAsDevice('clients', clients);
  await pushAsDevice('groups', [groupDoc(groupId, 'Counted circle')]);
  await pushAsDevice('memberships', [
    membershipDoc(groupId, String(clients[0]?.id), '2020-01-01'),
    membershipDoc(groupId, String(clients[1]?.id), '2020-01-01'),
    // Left long ago: a member, not one today.
    membershipDoc(groupId, String(clients[2]?.id), '2020-01-01', '2020-02-01'),
  ]);
  const groups = await signIn(page);
  await groups.search.fill('Counted circle');
  const row = groups.row('Counted circle');
  await expect(row).toContainText('3 members');
  await expect(row).toContainText('2 active today');
});

test('sorts by name both ways and pages through 47 groups, 20 at a time', async ({ page }) => {
  // The other organisation, so this bulk does not crowd the demo practice's lists.
  const docs = Array.from({ length: 45 }, (_, i) =>
    groupDoc(uniqueId('page'), `Paged ${String(i + 1).padStart(2, '0')}`),
  );
  await pushAsDevice('groups', docs, 'admin@other.test');
  const groups = await signIn(page, 'admin@other.test');
  await expect(page.getByTestId('groups-count')).toHaveText('47 groups');
  const names = () => page.getByTestId('group-row').getByRole('link').allInnerTexts();
  await expect(page.getByTestId('group-row')).toHaveCount(20);
  expect((await names())[0]).toBe('Anxiety skills');
  const header = page.getByRole('columnheader', { name: /Name/ });
  await expect(header).toHaveAttribute('aria-sort', 'ascending');
  await expect(page.getByText('Page 1 of 3')).toBeVisible();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByText('Page 2 of 3')).toBeVisible();
  expect((await names())[0]).toBe('Paged 19');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByTestId('group-row')).toHaveCount(7);
  await expect(page.getByRole('button', { name: 'Next' })).toBeDisabled();
  await screenshot(page, 'groups-page-3');
  await header.getByRole('button').click();
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  await expect(page.getByText('Page 1 of 3')).toBeVisible();
  expect((await names())[0]).toBe('Paged 45');
  await page.getByRole('button', { name: 'Previous' }).isDisabled();
  await header.getByRole('button').click();
  expect((await names())[0]).toBe('Anxiety skills');
  void groups;
});

test('edit a group, cancel discards, save keeps; delete asks and keeps the clients', async ({ page }) => {
  const id = uniqueId('edit');
  const clientId = uniqueId('keep');
  await pushAsDevice('groups', [groupDoc(id, `Editable ${id}`, 'Before')]);
  await pushAsDevice('clients', [clientDoc(clientId, `Kept Person ${clientId}`)]);
  await pushAsDevice('memberships', [membershipDoc(id, clientId, '2026-01-01')]);
  await signIn(page);
  await page.goto(`/#/groups/${id}`);
  await expect(page.getByRole('heading', { level: 1, name: `Editable ${id}` })).toBeVisible();

  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  await page.getByLabel(/^Name/).fill('Discarded name');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Editable ${id}` })).toBeVisible();

  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  await page.getByLabel(/^Name/).fill('');
  await expect(page.getByText('Give the group a name.')).toBeVisible();
  await page.getByLabel(/^Name/).fill(`Edited ${id}`);
  await page.getByLabel('Description').fill('After');
  await screenshot(page, 'group-edit');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Edited ${id}` })).toBeVisible();
  await expect(page.getByText('After', { exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'Delete group' }).click();
  const dialog = page.getByRole('dialog', { name: `Delete “Edited ${id}”?` });
  await expect(dialog).toContainText('The clients themselves are not deleted.');
  await screenshot(page, 'group-delete-confirm');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole('button', { name: 'Delete group' }).click();
  await dialog.getByRole('button', { name: 'Delete group' }).click();
  await expect(page.getByRole('heading', { name: 'Client groups' })).toBeVisible();
  await expect(page.getByTestId('group-row').filter({ hasText: `Edited ${id}` })).toHaveCount(0);
  // The client stays, and no longer lists the group.
  await page.goto(`/#/clients/${clientId}`);
  await expect(page.getByRole('heading', { level: 1, name: `Kept Person ${clientId}` })).toBeVisible();
  await expect(page.getByText('Not in any group yet.')).toBeVisible();
});

test('bulk export writes a CSV with the members; bulk delete confirms how many', async ({ page }) => {
  const a = uniqueId('bulk-a');
  const b = uniqueId('bulk-b');
  const client = uniqueId('csv');
  await pushAsDevice('groups', [
    groupDoc(a, `Bulk A ${a}`, 'First, with "quotes"'),
    groupDoc(b, `Bulk B ${b}`),
  ]);
  await pushAsDevice('clients', [clientDoc(client, `Csv Person ${client}`, 'csv@example.test')]);
  await pushAsDevice('memberships', [membershipDoc(a, client, '2026-02-01', '2026-03-31')]);
  const groups = await signIn(page);
  await groups.search.fill('Bulk ');
  await groups.search.press('Enter');
  await expect(page.getByTestId('group-row')).toHaveCount(2);
  await page.getByRole('checkbox', { name: `Select Bulk A ${a}` }).check();
  await page.getByRole('checkbox', { name: `Select Bulk B ${b}` }).check();
  await expect(page.getByText('2 groups selected')).toBeVisible();
  await screenshot(page, 'groups-bulk-toolbar');

  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/^cohort-groups-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = fs.readFileSync(await download.path(), 'utf8').replace(/^\ufeff/, '');
  const lines = csv.trim().split('\r\n');
  expect(lines[0]).toBe('Group,Description,Client,Email,Start date,End date,Status');
  expect(lines).toContain(
    `Bulk A ${a},"First, with ""quotes""",Csv Person ${client},csv@example.test,2026-02-01,2026-03-31,Ended`,
  );
  expect(lines).toContain(`Bulk B ${b},,,,,,`);

  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete 2 groups?' });
  await expect(dialog).toContainText('The clients themselves are not deleted.');
  await dialog.getByRole('button', { name: 'Delete 2 groups' }).click();
  await expect(page.getByTestId('group-row')).toHaveCount(0);
  await groups.search.fill('');
  await groups.search.press('Enter');
});

test('a viewer sees no edit controls; a practitioner cannot delete a group', async ({ browser }) => {
  for (const [email, expectations] of [
    ['viewer@demo.test', { edit: 0, add: 0, del: 0, create: 0 }],
    ['practitioner@demo.test', { edit: 1, add: 1, del: 0, create: 1 }],
  ] as const) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, email);
    await expect(page.getByRole('button', { name: 'New group' })).toHaveCount(expectations.create);
    await expect(page.getByRole('checkbox', { name: /Select Grief/ })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Delete', exact: true })).toHaveCount(0);
    await page.getByRole('link', { name: 'Grief support circle' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Grief support circle' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Edit', exact: true })).toHaveCount(expectations.edit);
    await expect(page.getByRole('button', { name: 'Add member' })).toHaveCount(expectations.add);
    await expect(page.getByRole('button', { name: 'Delete group' })).toHaveCount(expectations.del);
    await expect(page.getByRole('button', { name: /Remove .* from the group/ })).toHaveCount(
      expectations.add ? 2 : 0,
    );
    if (email === 'viewer@demo.test') await screenshot(page, 'group-detail-viewer');
    await context.close();
  }
});
