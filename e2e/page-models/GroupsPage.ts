import { expect, type Locator, type Page } from '@playwright/test';

export class GroupsPage {
  readonly newGroupButton: Locator;
  readonly dialog: Locator;
  readonly syncIndicator: Locator;
  readonly search: Locator;

  constructor(readonly page: Page) {
    this.newGroupButton = page.getByRole('button', { name: 'New group' }).first();
    this.dialog = page.getByRole('dialog', { name: 'New group' });
    this.syncIndicator = page.getByTestId('sync-indicator');
    this.search = page.getByRole('searchbox', { name: 'Search groups' });
  }

  async expectLoaded() {
    await expect(this.page.getByRole('heading', { name: 'Client groups' })).toBeVisible();
  }

  row(name: string): Locator {
    return this.page.getByTestId('group-row').filter({ hasText: name });
  }

  async openNewGroup() {
    await this.newGroupButton.click();
    await expect(this.dialog).toBeVisible();
  }

  async fillNewGroup(name: string, description = '') {
    await this.dialog.getByLabel(/^Name/).fill(name);
    await this.dialog.getByLabel('Description').fill(description);
  }

  async submitNewGroup() {
    await this.dialog.getByRole('button', { name: 'Create group' }).click();
  }

  /** Creates a group: the app opens it, and this comes back to the list. */
  async createGroup(name: string, description = '') {
    await this.openNewGroup();
    await this.fillNewGroup(name, description);
    await this.submitNewGroup();
    await expect(this.dialog).toBeHidden();
    await expect(this.page.getByRole('heading', { level: 1, name })).toBeVisible();
    await this.backToList();
    await expect(this.row(name)).toBeVisible();
  }

  async backToList() {
    await this.page.getByRole('link', { name: /All groups/ }).click();
    await this.expectLoaded();
  }

  async open(name: string) {
    await this.row(name).getByRole('link', { name }).click();
    await expect(this.page.getByRole('heading', { level: 1, name })).toBeVisible();
  }

  async expectSynced() {
    await expect(this.syncIndicator).toHaveAttribute('data-phase', 'synced', { timeout: 15_000 });
  }
}
