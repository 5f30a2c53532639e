import { expect, type Page } from '@playwright/test';
import { GroupsPage } from './GroupsPage';

export class SignInPage {
  constructor(readonly page: Page) {}

  async open() {
    await this.page.goto('/');
    await expect(this.page.getByRole('heading', { name: 'Sign in to Cohort' })).toBeVisible();
  }

  async signIn(email: string, password = 'cohort-demo') {
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel(/^Password/).fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
  }

  /** Opens the app, signs in and waits for the groups overview to be synced. */
  static async signedIn(page: Page, email = 'admin@demo.test'): Promise<GroupsPage> {
    const signIn = new SignInPage(page);
    await signIn.open();
    await signIn.signIn(email);
    const groups = new GroupsPage(page);
    await groups.expectLoaded();
    await groups.expectSynced();
    return groups;
  }
}
