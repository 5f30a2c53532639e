/**
 * Everything the device stores is sealed at rest: the raw IndexedDB records (the
 * storage's pages: documents, replication state, outbox) hold only ciphertext, while the
 * app shows clients and groups as usual. In the browser the key comes from the
 * browser-mode key provider.
 */
import { expect, test } from '@playwright/test';
import { SignInPage } from './page-models/SignInPage';
import { screenshot } from './support';

/** Every record in every IndexedDB database of the page, as one text. */
const RAW_RECORDS = `(async () => {
  const out = [];
  for (const info of await indexedDB.databases()) {
    const db = await new Promise((resolve, reject) => {
      const req = indexedDB.open(info.name);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    for (const store of Array.from(db.objectStoreNames)) {
      const all = await new Promise((resolve, reject) => {
        const req = db.transaction(store).objectStore(store).getAll();
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      out.push(info.name + '/' + store + ': ' + JSON.stringify(all));
    }
    db.close();
  }
  return out.join('\\n');
})()`;

test('client names, emails, phones and group names are ciphertext in IndexedDB, and plain on screen', async ({
  page,
}) => {
  await SignInPage.signedIn(page);
  await page.getByRole('link', { name: 'Clients' }).click();
  await expect(page.getByRole('link', { name: 'Anna de Vries' })).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search clients' }).fill('devries');
  await expect(page.getByRole('link', { name: 'Anna de Vries' })).toBeVisible();
  await screenshot(page, 'clients-encrypted-at-rest');

  const raw = await page.evaluate<string>(RAW_RECORDS);
  expect(raw).toContain('"sealed"');
  // A group's name tells what a client is treated for: sealed too.
  for (const secret of [
    'Anna de Vries',
    'anna.devries@example.nl',
    '+31 6 1234 5678',
    'Mindfulness Tuesday',
  ]) {
    expect(raw, `${secret} in IndexedDB`).not.toContain(secret);
  }
});
