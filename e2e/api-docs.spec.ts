/** The REST API's docs page, as an integrator opens it: generated from openapi.json, served by the server. */
import { expect, test } from '@playwright/test';
import { screenshot, SERVER_URL, watchPageErrors } from './support';

test('the API docs page lists every endpoint group and opens an operation', async ({ page }) => {
  const errors = watchPageErrors(page);
  await page.goto(`${SERVER_URL}/api/v1/docs`);
  await expect(page.getByRole('heading', { name: /Cohort API/ })).toBeVisible();
  for (const tag of ['Groups', 'Members', 'Clients', 'API tokens']) {
    await expect(page.getByRole('heading', { name: new RegExp(`^${tag}`) }).first()).toBeVisible();
  }
  await screenshot(page, 'api-docs');
  await page.getByText('/groups/{id}/members/batch').first().click();
  await expect(page.getByText('All or nothing.').first()).toBeVisible();
  await screenshot(page, 'api-docs-operation');
  expect(errors).toEqual([]);
});
