import { expect, type Page } from '@playwright/test';

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
}
