/**
 * The app survives a local database it cannot use, in the real app in Chromium:
 * - a database turned foreign (another schema under the same name) is rebuilt from the
 *   server after telling the user, and a change made while the server was unreachable
 *   is kept and reaches the server;
 * - a wiped IndexedDB is reported and the data downloads again;
 * - a full disk (a tiny storage quota) is reported where it happens: in the form that
 *   could not save, keeping what was typed, and by the sync indicator.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { GroupsPage } from './page-models/GroupsPage';
import { SignInPage } from './page-models/SignInPage';
import { groupDoc, pushAsDevice, screenshot, SERVER_URL, uniqueId, watchPageErrors } from './support';
import { protocolHeaders } from '../sync/protocol';

/** A page of the app's origin without the app, so its IndexedDB can be changed while nothing holds it open. */
async function leaveApp(page: Page) {
  await page.route('**/outside-the-app', (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>outside</title>' }),
  );
  await page.goto('/outside-the-app');
}

async function backToApp(page: Page) {
  await page.goto('/');
}

/**
 * Turns the local database into a foreign one: RxDB's internal store says the groups
 * collection was made with another schema (as another app or version of it would have).
 * The storage keeps a log of sealed pages (renderer/data/engine/storage/pageLog.ts): the page
 * holding the groups collection's entry is opened with the database's key (browser mode
 * keeps it in localStorage), and a later page with the altered entry is appended.
 */
const MAKE_FOREIGN = `(async () => {
  const request = (req) => new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const log = (await indexedDB.databases()).map((d) => d.name).find((n) => n.startsWith('cohort-log-cohort-'));
  const raw = Uint8Array.from(atob(localStorage.getItem('cohort.dbkey.' + log.slice('cohort-log-'.length))), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
  const where = (c, s) => new TextEncoder().encode(c + '#' + s);
  const db = await request(indexedDB.open(log));
  const pages = await request(db.transaction('pages').objectStore('pages').getAll());
  let entry = null;
  let at = null;
  for (const page of pages) {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: page.body.iv, additionalData: where(page.c, page.s) }, key, page.body.sealed);
    for (const doc of JSON.parse(new TextDecoder().decode(plain)).docs) {
      // The groups collection's entry, at whichever schema version the app is.
      if (/^collection[|]groups-[0-9]+$/.test(doc.id) && !doc._deleted) { entry = doc; at = page; }
    }
  }
  entry.data.schema.properties.foreignField = { type: 'string' };
  entry.data.schemaHash = 'made-by-another-app';
  const s = Math.max(...pages.filter((p) => p.c === at.c).map((p) => p.s)) + 1;
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: where(at.c, s) }, key, new TextEncoder().encode(JSON.stringify({ docs: [entry] })));
  await request(db.transaction('pages', 'readwrite').objectStore('pages').put({ c: at.c, s, body: { iv, sealed } }));
  db.close();
  return at.c;
})()`;

/** Deletes every IndexedDB database of the app, as clearing the browser's data for the site would (but not localStorage). */
const WIPE_INDEXEDDB = `(async () => {
  const names = (await indexedDB.databases()).map((d) => d.name).filter((n) => n.startsWith('cohort-log-cohort-'));
  for (const name of names) {
    await new Promise((resolve, reject) => {
      const req = indexedDB.deleteDatabase(name);
      req.onsuccess = () => resolve(undefined);
      req.onerror = () => reject(req.error);
    });
  }
  return (await indexedDB.databases()).length;
})()`;

/**
 * Fills the origin's storage to the brim with a database of its own (as other data
 * filling the disk would); resolves with the error that stopped it.
 */
const FILL_STORAGE = `(async () => {
  const db = await new Promise((resolve, reject) => {
    const req = indexedDB.open('quota-filler', 1);
    req.onupgradeneeded = () => req.result.createObjectStore('filler', { autoIncrement: true });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  // Random bytes: Chromium compresses what it stores, and repeated text would take no room.
  const noise = (size) => {
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
    return bytes;
  };
  const put = (size) =>
    new Promise((resolve) => {
      const tx = db.transaction('filler', 'readwrite');
      tx.objectStore('filler').put(noise(size));
      tx.oncomplete = () => resolve(null);
      tx.onabort = () => resolve(tx.error ? tx.error.name : 'AbortError');
    });
  let stopped = null;
  for (const size of [256 * 1024, 16 * 1024, 1024, 64]) {
    for (;;) {
      const error = await put(size);
      if (error) { stopped = error; break; }
    }
  }
  db.close();
  return stopped;
})()`;

const FREE_STORAGE = `new Promise((resolve, reject) => {
  const req = indexedDB.deleteDatabase('quota-filler');
  req.onsuccess = () => resolve(undefined);
  req.onerror = () => reject(req.error);
})`;

/** The names of the groups the server holds (through the sync API, as another device reads them). */
/**
 * Gives the app's origin `bytes` of storage, through the DevTools protocol. Chromium reads
 * the quota when the origin first opens IndexedDB: call it before the app loads.
 */
async function limitQuota(page: Page, context: BrowserContext, baseURL: string | undefined, bytes: number) {
  const cdp = await context.newCDPSession(page);
  const origin = new URL(baseURL ?? '').origin;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: bytes });
  return { lift: () => cdp.send('Storage.overrideQuotaForOrigin', { origin }) };
}

async function serverGroupNames(): Promise<string[]> {
  const login = await fetch(`${SERVER_URL}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@demo.test', password: 'cohort-demo' }),
  });
  const { token } = (await login.json()) as { token: string };
  const names: string[] = [];
  let checkpoint: unknown = null;
  for (;;) {
    const query = new URLSearchParams({ limit: '500' });
    if (checkpoint) query.set('checkpoint', JSON.stringify(checkpoint));
    const res = await fetch(`${SERVER_URL}/api/v1/sync/groups/pull?${query}`, {
      headers: { ...protocolHeaders, authorization: `Bearer ${token}` },
    });
    const page = (await res.json()) as {
      documents: { name: string; _deleted: boolean }[];
      checkpoint: unknown;
    };
    names.push(...page.documents.filter((d) => !d._deleted).map((d) => d.name));
    if (page.documents.length === 0) return names;
    checkpoint = page.checkpoint;
  }
}

test('a foreign local database is rebuilt from the server, keeping the change made offline', async ({
  page,
}) => {
  const errors = watchPageErrors(page);
  const groups = await SignInPage.signedIn(page);
  const offline = `Made offline ${uniqueId('g')}`;

  // The server goes away; a group made now waits on this laptop.
  await page.route(`${SERVER_URL}/**`, (route) => route.abort());
  await groups.createGroup(offline);
  await expect(groups.syncIndicator).toContainText('1 change waiting', { timeout: 15_000 });

  await leaveApp(page);
  expect(await page.evaluate<string>(MAKE_FOREIGN)).toMatch(/^_rxdb_internal--/);
  expect(await serverGroupNames()).not.toContain(offline);
  await page.unroute(`${SERVER_URL}/**`);
  await backToApp(page);

  const notice = page.getByTestId('local-data-notice');
  await expect(notice).toBeVisible({ timeout: 20_000 });
  await expect(notice).toHaveAttribute('role', 'alert');
  await expect(notice).toContainText('Your data on this laptop was rebuilt');
  await expect(notice).toContainText('made by another version of Cohort');
  await expect(notice).toContainText('being downloaded again from the server');
  await expect(notice).toContainText('1 change that had not been sent yet was kept and will be sent.');
  await groups.expectLoaded();
  await expect(groups.row('Mindfulness Tuesday')).toBeVisible({ timeout: 15_000 });
  await expect(groups.row(offline)).toBeVisible();
  await groups.expectSynced();
  await screenshot(page, 'recovery-rebuilt');
  await expect.poll(serverGroupNames, { timeout: 15_000 }).toContain(offline);

  await notice.getByRole('button', { name: 'Close' }).click();
  await expect(notice).toBeHidden();
  expect(errors).toEqual([]);
});

test('a wiped IndexedDB is reported and the data downloads again', async ({ page }) => {
  const errors = watchPageErrors(page);
  const groups = await SignInPage.signedIn(page);
  await expect(groups.row('Mindfulness Tuesday')).toBeVisible();

  await leaveApp(page);
  expect(await page.evaluate<number>(WIPE_INDEXEDDB)).toBe(0);
  await backToApp(page);

  const notice = page.getByTestId('local-data-notice');
  await expect(notice).toBeVisible({ timeout: 20_000 });
  await expect(notice).toContainText('The data on this laptop was missing');
  await expect(notice).toContainText('It is being downloaded again from the server.');
  await expect(groups.row('Mindfulness Tuesday')).toBeVisible({ timeout: 15_000 });
  await groups.expectSynced();
  await screenshot(page, 'recovery-missing');

  // Reported once: the next load finds the data where it was.
  await page.reload();
  await groups.expectLoaded();
  await groups.expectSynced();
  await expect(notice).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('a full disk is reported by the form that could not save, and by the sync indicator', async ({
  page,
  context,
  baseURL,
}) => {
  // Chromium reads an origin's quota when the origin first opens IndexedDB: a small one is
  // set before the app loads, room for the sign-in and first sync; the rest is filled later.
  await limitQuota(page, context, baseURL, 8 * 1024 * 1024);
  const groups = await SignInPage.signedIn(page);
  const doomed = `To delete ${uniqueId('g')}`;
  await groups.createGroup(doomed);
  expect(await page.evaluate<string>(FILL_STORAGE)).toBe('QuotaExceededError');

  const name = `No room ${uniqueId('g')}`;
  await groups.openNewGroup();
  await groups.fillNewGroup(name, 'Typed before the disk was full');
  await groups.submitNewGroup();
  await expect(groups.dialog.getByRole('alert')).toHaveText(
    'This laptop’s storage is full, so this could not be saved. Free up disk space and save again; what you typed is still here.',
  );
  await expect(groups.dialog.getByLabel(/^Name/)).toHaveValue(name);
  await expect(groups.dialog.getByLabel('Description')).toHaveValue('Typed before the disk was full');
  await screenshot(page, 'recovery-storage-full-form');
  await groups.dialog.getByRole('button', { name: 'Cancel' }).click();

  // A confirmed deletion that cannot be written says so, and the dialog stays.
  await groups.open(doomed);
  await page.getByRole('button', { name: 'Delete group' }).click();
  const confirm = page.getByRole('dialog', { name: `Delete “${doomed}”?` });
  await confirm.getByRole('button', { name: 'Delete group' }).click();
  await expect(confirm.getByRole('alert')).toHaveText(
    'This laptop’s storage is full, so this could not be done. Free up disk space and try again.',
  );
  await screenshot(page, 'recovery-storage-full-delete');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await groups.backToList();

  // Another laptop's change arrives, and there is no room to store it.
  const incoming = `From another laptop ${uniqueId('g')}`;
  await pushAsDevice('groups', [groupDoc(uniqueId('other'), incoming)]);
  await expect(groups.syncIndicator).toHaveAttribute('data-phase', 'error', { timeout: 15_000 });
  await expect(groups.syncIndicator).toHaveAccessibleName('Storage full');
  await groups.syncIndicator.click();
  const details = page.getByRole('dialog', { name: 'Storage full' });
  await expect(details).toContainText(
    'This laptop’s storage is full, so changes from the server cannot be stored here.',
  );
  await expect(details).toHaveCSS('opacity', '1');
  await screenshot(page, 'recovery-storage-full-sync');

  // Room again, and the app opened again: the change arrives. (Within the session it may
  // not: when the full disk failed RxDB's checkpoint write, that replication stays stalled.)
  await page.evaluate(FREE_STORAGE);
  await page.reload();
  await expect(groups.row(incoming)).toBeVisible({ timeout: 15_000 });
  await groups.expectSynced();
});

test('a database that cannot even be created says so, and tries again', async ({
  page,
  context,
  baseURL,
}) => {
  const quota = await limitQuota(page, context, baseURL, 1024);
  const signIn = new SignInPage(page);
  await signIn.open();
  await signIn.signIn('admin@demo.test');

  const failed = page.getByRole('alert').filter({ hasText: 'Your data on this laptop cannot be opened' });
  await expect(failed).toBeVisible({ timeout: 20_000 });
  await expect(failed).toContainText(
    'This laptop’s storage is full, so the database cannot be opened. Free up disk space and try again.',
  );
  await screenshot(page, 'recovery-cannot-open');

  await quota.lift();
  await failed.getByRole('button', { name: 'Try again' }).click();
  await new GroupsPage(page).expectSynced();
});
