/**
 * Every screen in English, Dutch and Romanian: screenshots of each, and in nl and ro no
 * English text left on any of them. The language is switched at run time and remembered.
 */
import { expect, test, type Page } from '@playwright/test';
import en from '../renderer/i18n/en.json' with { type: 'json' };
import nl from '../renderer/i18n/nl.json' with { type: 'json' };
import ro from '../renderer/i18n/ro.json' with { type: 'json' };
import { SignInPage } from './page-models/SignInPage';
import { screenshot } from './support';

type Tree = { [key: string]: string | Tree };
function flatten(tree: Tree, prefix = '', out = new Map<string, string>()): Map<string, string> {
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else flatten(value, path, out);
  }
  return out;
}

const english = flatten(en as Tree);
const LANGUAGE_NAMES = ['English', 'Nederlands', 'Română'];

/** Words that really are the same in that language; any other English text on screen is a miss. */
const SAME_IN: Record<string, string[]> = {
  nl: ['Cohort', 'Account', 'Offline', 'Status'],
  ro: ['Cohort', 'Administrator', 'Offline', 'Client'],
};

function englishOnly(language: string): string[] {
  return [...english]
    .filter(([key, value]) => !value.includes('{{') && value.length >= 4 && !key.startsWith('language.'))
    .map(([, value]) => value)
    .filter((value) => !(SAME_IN[language] ?? []).includes(value));
}

async function expectNoEnglish(page: Page, language: string, screen: string) {
  const text = await page.locator('body').innerText();
  // Whole words only: Dutch "Selecteer" is not the English "Select".
  const escape = (phrase: string) => phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const leftovers = englishOnly(language).filter((phrase) =>
    new RegExp(`(^|[^\\p{L}])${escape(phrase)}([^\\p{L}]|$)`, 'u').test(text),
  );
  expect(leftovers, `English on the ${screen} screen`).toEqual([]);
}

async function chooseLanguage(page: Page, name: string) {
  await page
    .getByRole('combobox', { name: /Language|Taal|Limbă/ })
    .first()
    .click();
  await page.getByRole('option', { name }).click();
}

for (const [code, tree, name] of [
  ['en', en, 'English'],
  ['nl', nl, 'Nederlands'],
  ['ro', ro, 'Română'],
] as const) {
  test(`every screen in ${name}`, async ({ page }) => {
    const check = (screen: string) =>
      code === 'en' ? Promise.resolve() : expectNoEnglish(page, code, screen);
    const shot = (screen: string) => screenshot(page, `${code}-${screen}`);
    const t = flatten(tree as Tree);
    const say = (key: string) => t.get(key) ?? '';

    const signIn = new SignInPage(page);
    await signIn.open();
    if (code !== 'en') await chooseLanguage(page, name);
    await expect(page.locator('html')).toHaveAttribute('lang', code);
    await check('sign-in');
    await shot('sign-in');
    await page.getByLabel(new RegExp(`^${say('signIn.email')}`)).fill('admin@demo.test');
    await page.getByLabel(new RegExp(`^${say('signIn.password')}`)).fill('cohort-demo');
    await page.getByRole('button', { name: say('signIn.submit'), exact: true }).click();

    await expect(page.getByRole('heading', { level: 1, name: say('groups.title') })).toBeVisible();
    await expect(page.getByTestId('sync-indicator')).toHaveAttribute('data-phase', 'synced', {
      timeout: 15_000,
    });
    await check('groups');
    await shot('groups');
    await page.getByRole('checkbox', { name: /Grief support circle/ }).check();
    await check('groups-selection');
    await page.getByRole('checkbox', { name: /Grief support circle/ }).uncheck();

    await page
      .getByRole('button', { name: say('groups.new') })
      .first()
      .click();
    await page.getByRole('button', { name: say('groupForm.create') }).click();
    await check('new-group');
    await shot('new-group');
    await page.keyboard.press('Escape');

    await page.getByRole('link', { name: 'Mindfulness Tuesday' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Mindfulness Tuesday' })).toBeVisible();
    await check('group-detail');
    await shot('group-detail');
    await page.getByRole('button', { name: say('group.addMember') }).click();
    await page.getByRole('combobox', { name: say('memberForm.client') }).fill('a');
    await check('add-member');
    await shot('add-member');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');

    await page.getByRole('link', { name: say('shell.clients') }).click();
    await expect(page.getByRole('heading', { level: 1, name: say('clients.title') })).toBeVisible();
    await check('clients');
    await shot('clients');
    await page.getByRole('link', { name: 'Anna de Vries' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Anna de Vries' })).toBeVisible();
    await check('client-detail');
    await shot('client-detail');

    await page.getByRole('link', { name: say('shell.conflicts') }).click();
    await expect(page.getByRole('heading', { level: 1, name: say('conflicts.title') })).toBeVisible();
    await check('conflicts');
    await shot('conflicts');
    await page.goBack();

    // Remembered across a restart of the page.
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('lang', code);
    await expect(page.getByRole('link', { name: say('client.back') })).toBeVisible();
    expect(LANGUAGE_NAMES).toContain(name);
  });
}
