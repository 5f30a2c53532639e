/** Members of a group: add with client search, edit, remove, members on a date, and two offline devices. */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { GroupDetailPage } from './page-models/GroupDetailPage';
import { SignInPage } from './page-models/SignInPage';
import { clientDoc, groupDoc, membershipDoc, pushAsDevice, screenshot, uniqueId } from './support';

const signIn = (page: Page, email?: string) => SignInPage.signedIn(page, email);

function localToday(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

test('add members through the client search, with date rules, several at once, no duplicates', async ({
  page,
}) => {
  const group = uniqueId('add');
  const [c1, c2, c3] = [uniqueId('c'), uniqueId('c'), uniqueId('c')];
  await pushAsDevice('groups', [groupDoc(group, `Adding ${group}`)]);
  await pushAsDevice('clients', [
    clientDoc(c1, `Zoë Quartermain ${c1}`, `zq-${c1}@example.test`),
    clientDoc(c2, `Yusuf Quartermain ${c2}`, `yq-${c2}@example.test`),
    clientDoc(c3, `Xavier Quill ${c3}`, `xq-${c3}@example.test`),
  ]);
  await pushAsDevice('memberships', [membershipDoc(group, c3, '2026-01-01')]);
  await signIn(page);
  const detail = new GroupDetailPage(page);
  await detail.goto(group, `Adding ${group}`);
  await expect(detail.members).toHaveCount(1);

  await detail.addMemberButton.click();
  await expect(detail.addDialog).toBeVisible();
  // Start date defaults to today; end date is empty.
  await expect(detail.addDialog.getByLabel(/^Start date/)).toHaveValue(localToday());
  await expect(detail.addDialog.getByLabel(/^End date/)).toHaveValue('');
  const box = detail.addDialog.getByRole('combobox', { name: 'Clients' });
  await box.fill('q');
  await expect(page.getByText('Type at least 2 characters to search.')).toBeVisible();
  // By email too, accents ignored: "zoe" finds Zoë.
  await box.fill(`zq-${c1}`);
  await expect(page.getByRole('option', { name: new RegExp(`Zoë Quartermain ${c1}`) })).toBeVisible();
  await box.fill('zoe quarter');
  await page.getByRole('option', { name: new RegExp(`Zoë Quartermain ${c1}`) }).click();
  await box.fill('Quill');
  const existing = page.getByRole('option', { name: new RegExp(`Xavier Quill ${c3} — Already a member`) });
  await expect(existing).toBeVisible();
  await expect(existing).toHaveAttribute('aria-disabled', 'true');
  await box.fill('Yusuf');
  await page.getByRole('option', { name: new RegExp(`Yusuf Quartermain ${c2}`) }).click();
  await detail.addDialog.getByLabel(/^Start date/).fill('2026-03-10');
  await detail.addDialog.getByLabel(/^End date/).fill('2026-03-01');
  await expect(detail.addDialog.getByText('The end date cannot be before the start date.')).toBeVisible();
  await screenshot(page, 'add-members-dialog');
  await detail.addDialog.getByRole('button', { name: 'Add 2 members' }).click();
  await expect(detail.addDialog).toBeVisible();
  await detail.addDialog.getByLabel(/^End date/).fill('2026-12-31');
  await detail.addDialog.getByRole('button', { name: 'Add 2 members' }).click();
  await expect(detail.addDialog).toBeHidden();
  await expect(detail.members).toHaveCount(3);
  await expect(detail.member(`Zoë Quartermain ${c1}`)).toContainText('10 Mar 2026');
  await expect(detail.member(`Zoë Quartermain ${c1}`)).toContainText('31 Dec 2026');
  await screenshot(page, 'group-detail');
});

test('edit a membership, filter members on a date, remove a member (the client stays); Escape closes dialogs', async ({
  page,
}) => {
  const group = uniqueId('period');
  const [early, late] = [uniqueId('c'), uniqueId('c')];
  await pushAsDevice('groups', [groupDoc(group, `Periods ${group}`)]);
  await pushAsDevice('clients', [
    clientDoc(early, `Early Bird ${early}`),
    clientDoc(late, `Late Comer ${late}`),
  ]);
  await pushAsDevice('memberships', [
    membershipDoc(group, early, '2026-01-05', '2026-02-28'),
    membershipDoc(group, late, '2026-03-02'),
  ]);
  await signIn(page);
  const detail = new GroupDetailPage(page);
  await detail.goto(group, `Periods ${group}`);
  await expect(detail.members).toHaveCount(2);
  await expect(page.getByTestId('timeline-row')).toHaveCount(2);

  const onDate = page.getByLabel('Members on date');
  await onDate.fill('2026-02-15');
  await expect(detail.members).toHaveCount(1);
  await expect(detail.member(`Early Bird ${early}`)).toBeVisible();
  await onDate.fill('2026-03-15');
  await expect(detail.members).toHaveCount(1);
  await expect(detail.member(`Late Comer ${late}`)).toBeVisible();
  await onDate.fill('2025-12-01');
  await expect(page.getByText(/Nobody was in this group on/)).toBeVisible();
  await page.getByRole('button', { name: 'Show all' }).click();
  await expect(detail.members).toHaveCount(2);

  const editButton = page.getByRole('button', { name: `Edit membership of Late Comer ${late}` });
  await editButton.click();
  const editDialog = page.getByRole('dialog', { name: 'Edit membership' });
  await expect(editDialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(editDialog).toBeHidden();
  await expect(editButton).toBeFocused();
  await editButton.click();
  await editDialog.getByLabel(/^End date/).fill('2026-03-01');
  await expect(editDialog.getByText('The end date cannot be before the start date.')).toBeVisible();
  await editDialog.getByLabel(/^End date/).fill('2026-04-30');
  await editDialog.getByRole('button', { name: 'Save' }).click();
  await expect(editDialog).toBeHidden();
  await expect(detail.member(`Late Comer ${late}`)).toContainText('30 Apr 2026');

  await page.getByRole('button', { name: `Remove Early Bird ${early} from the group` }).click();
  const confirm = page.getByRole('dialog', { name: 'Remove member?' });
  await expect(confirm).toContainText('The client itself is kept.');
  await confirm.getByRole('button', { name: 'Remove member' }).click();
  await expect(detail.members).toHaveCount(1);
  await page.goto(`/#/clients/${early}`);
  await expect(page.getByRole('heading', { level: 1, name: `Early Bird ${early}` })).toBeVisible();
});

async function offlineDevice(browser: Browser, group: string, name: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page);
  const detail = new GroupDetailPage(page);
  await detail.goto(group, name);
  await context.setOffline(true);
  await expect(page.getByTestId('sync-indicator')).toHaveAttribute('data-phase', 'offline');
  return { context, page, detail };
}

test('two offline devices add the same client to the same group: one membership after both reconnect', async ({
  browser,
}) => {
  const group = uniqueId('twice');
  const client = uniqueId('c');
  await pushAsDevice('groups', [groupDoc(group, `Twice ${group}`)]);
  await pushAsDevice('clients', [clientDoc(client, `Double Booked ${client}`)]);
  const a = await offlineDevice(browser, group, `Twice ${group}`);
  const b = await offlineDevice(browser, group, `Twice ${group}`);
  await a.detail.addMembers([['Double Booked', `Double Booked ${client}`]], '2026-05-01');
  await b.detail.addMembers([['Double Booked', `Double Booked ${client}`]], '2026-06-01');
  await expect(a.detail.members).toHaveCount(1);
  await expect(b.detail.members).toHaveCount(1);
  await a.context.setOffline(false);
  await b.context.setOffline(false);
  for (const device of [a, b]) {
    await expect(device.page.getByTestId('sync-indicator')).toHaveAttribute('data-phase', 'synced', {
      timeout: 15_000,
    });
    await expect(device.detail.members).toHaveCount(1);
  }
  // Both end with the same period, the one the server kept. A device can show "synced"
  // before the other's merged push reaches it, so the two are compared until they agree.
  const periods = async () =>
    Promise.all([a, b].map((d) => d.detail.member(`Double Booked ${client}`).textContent()));
  await expect
    .poll(
      async () => {
        const [onA, onB] = await periods();
        return onA === onB ? onA : `A: ${onA} / B: ${onB}`;
      },
      { timeout: 15_000 },
    )
    .toMatch(/^Double Booked \S+1 (May|Jun) 2026No end date/);
  await a.context.close();
  await b.context.close();
});
