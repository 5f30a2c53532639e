import { expect, type Locator, type Page } from '@playwright/test';

export class GroupDetailPage {
  readonly addMemberButton: Locator;
  readonly addDialog: Locator;
  readonly members: Locator;

  constructor(readonly page: Page) {
    this.addMemberButton = page.getByRole('button', { name: 'Add member' });
    this.addDialog = page.getByRole('dialog', { name: /Add members to/ });
    this.members = page.getByTestId('member-row');
  }

  async goto(groupId: string, name: string) {
    await this.page.goto(`/#/groups/${groupId}`);
    await expect(this.page.getByRole('heading', { level: 1, name })).toBeVisible();
  }

  member(name: string): Locator {
    return this.members.filter({ hasText: name });
  }

  /** Picks clients in the add-member combobox by typing part of their name or email. */
  async pickClients(...terms: [search: string, option: string][]) {
    const box = this.addDialog.getByRole('combobox', { name: 'Clients' });
    for (const [search, option] of terms) {
      await box.fill(search);
      await this.page.getByRole('option', { name: new RegExp(option) }).click();
    }
  }

  async addMembers(terms: [search: string, option: string][], startDate?: string, endDate?: string) {
    await this.addMemberButton.click();
    await expect(this.addDialog).toBeVisible();
    await this.pickClients(...terms);
    if (startDate) await this.addDialog.getByLabel(/^Start date/).fill(startDate);
    if (endDate) await this.addDialog.getByLabel(/^End date/).fill(endDate);
    await this.addDialog.getByRole('button', { name: /^Add \d+ member/ }).click();
    await expect(this.addDialog).toBeHidden();
  }

  /** Edits the group's name and/or description through "Edit" and "Save". */
  async editGroup(changes: { name?: string; description?: string }) {
    await this.page.getByRole('button', { name: 'Edit', exact: true }).click();
    if (changes.name !== undefined) await this.page.getByLabel(/^Name/).fill(changes.name);
    if (changes.description !== undefined)
      await this.page.getByLabel('Description').fill(changes.description);
    await this.page.getByRole('button', { name: 'Save' }).click();
    if (changes.name !== undefined) await this.expectName(changes.name);
  }

  async expectName(name: string, timeout?: number) {
    await expect(this.page.getByRole('heading', { level: 1, name })).toBeVisible({ timeout });
  }
}
