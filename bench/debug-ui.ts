import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { startTestServer } from '../sync/server/testing';
import { loadDataset } from './dataset';

const server = await startTestServer('embedded');
await loadDataset(server.db, 'org-demo', {
  groups: 1000,
  clients: 5000,
  memberships: 20000,
  bigGroupMembers: 2000,
});
const build = spawn('node_modules/.bin/vite', ['build', '--logLevel', 'error'], {
  env: { ...process.env, VITE_COHORT_SERVER_URL: server.url },
  stdio: 'inherit',
});
await new Promise((r) => build.on('exit', r));
const preview = spawn('node_modules/.bin/vite', ['preview', '--port', '4181'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 2000));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--no-first-run',
  ],
});
const page = await browser.newPage();
page.on('console', (m) => console.log('console', m.type(), m.text().slice(0, 200)));
page.on('pageerror', (e) => console.log('pageerror', e.message));
await page.goto('http://127.0.0.1:4181/');
await page.getByLabel(/^Email/).fill('admin@demo.test');
await page.getByLabel(/^Password/).fill('cohort-demo');
await page.getByRole('button', { name: 'Sign in' }).click();
for (let i = 0; i < 8; i++) {
  await new Promise((r) => setTimeout(r, 5000));
  const phase = await page
    .getByTestId('sync-indicator')
    .getAttribute('data-phase', { timeout: 2000 })
    .catch(() => 'none');
  const count = await page
    .getByTestId('groups-count')
    .textContent({ timeout: 2000 })
    .catch(() => 'none');
  console.log(i * 5, phase, count);
}
await page.screenshot({ path: '/tmp/debug-ui.png' });
await browser.close();
preview.kill();
console.log('closing server');
await server.close();
console.log('closed');
