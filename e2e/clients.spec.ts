/** Clients: list and search, create and edit with validation, and the groups a client is or was in. */
import { expect, test } from '@playwright/test';
import { GroupsPage } from './page-models/GroupsPage';
import { SignInPage } from './page-models/SignInPage';
import { clientDoc, groupDoc, membershipDoc, pushAsDevice, screenshot, uniqueId } from './support';

test('search, create with validation, edit, and see every group of a client with its period', async ({
  page,
}) => {
  const client = uniqueId('cl');
  const [g1, g2] = [uniqueId('g'), uniqueId('g')];
  await pushAsDevice('groups', [groupDoc(g1, `Morning walk ${g1}`), groupDoc(g2, `Evening yoga ${g2}`)]);
  await pushAsDevice('clients', [
    clientDoc(client, `Ingrid Olsen ${client}`, `ingrid-${client}@example.test`),
  ]);
  await pushAsDevice('memberships', [
    membershipDoc(g1, client, '2026-01-10', '2026-03-20'),
    membershipDoc(g2, client, '2026-04-01'),
  ]);

  const signIn = new SignInPage(page);
  await signIn.open();
  await signIn.signIn('practitioner@demo.test');
  await new GroupsPage(page).expectLoaded();
  await page
    .getByRole('navigation', { name: 'Main navigation' })
    .getByRole('link', { name: 'Clients' })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: 'Clients' })).toBeVisible();
  await expect(page.getByTestId('client-row').first()).toBeVisible();
  await screenshot(page, 'clients-list');
  const search = page.getByRole('searchbox', { name: 'Search clients' });
  await search.fill(`ingrid-${client}`);
  await expect(page.getByTestId('client-row')).toHaveCount(1);

  await page.getByRole('link', { name: `Ingrid Olsen ${client}` }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Ingrid Olsen ${client}` })).toBeVisible();
  const rows = page.getByTestId('client-group-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: `Morning walk ${g1}` })).toContainText('10 Jan 2026');
  await expect(rows.filter({ hasText: `Morning walk ${g1}` })).toContainText('Ended');
  await expect(rows.filter({ hasText: `Evening yoga ${g2}` })).toContainText('No end date');
  await screenshot(page, 'client-detail');

  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit client' });
  await dialog.getByLabel('Email').fill('not-an-email');
  await expect(dialog.getByText('This does not look like an email address.')).toBeVisible();
  await dialog.getByLabel('Email').fill(`ingrid.olsen-${client}@example.test`);
  await dialog.getByLabel('Phone').fill('+31 20 123 4567');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('+31 20 123 4567')).toBeVisible();

  await page.getByRole('link', { name: /All clients/ }).click();
  await page.getByRole('button', { name: 'New client' }).click();
  const create = page.getByRole('dialog', { name: 'New client' });
  await create.getByRole('button', { name: 'Create client' }).click();
  await expect(create.getByText("Give the client's name.")).toBeVisible();
  await screenshot(page, 'client-new-dialog');
  const name = `Nora Fresh ${client}`;
  await create.getByLabel(/^Name/).fill(name);
  await create.getByLabel('Birth date').fill('1990-02-14');
  await create.getByRole('button', { name: 'Create client' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByText('Not in any group yet.')).toBeVisible();
  await expect(page.getByText('14 Feb 1990')).toBeVisible();
});
