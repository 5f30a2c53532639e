import path from 'node:path';
import type { Page } from '@playwright/test';
import { createClient } from '../domain/client';
import { checkGroupInput, createGroup } from '../domain/group';
import { createMembership } from '../domain/membership';
import { protocolHeaders } from '../sync/protocol';

export const SCREENSHOT_DIR = path.join('e2e', 'screenshots');

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** A name no other test in this run uses. */
export function unique(prefix: string): string {
  return `${prefix} ${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
}

/** Collects what the page logs as errors (CSP violations, uncaught exceptions) for a test to assert on. */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/.test(message.text()))
      errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

export const SERVER_URL = `http://127.0.0.1:${process.env.COHORT_E2E_SERVER_PORT ?? 8797}`;

/** Writes documents straight to the server through the sync API, as another device would. */
export async function pushAsDevice(
  collection: 'groups' | 'clients' | 'memberships',
  docs: Record<string, unknown>[],
  email = 'admin@demo.test',
): Promise<void> {
  const login = await fetch(`${SERVER_URL}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'cohort-demo' }),
  });
  const { token } = (await login.json()) as { token: string };
  const res = await fetch(`${SERVER_URL}/api/v1/sync/${collection}/push`, {
    method: 'POST',
    headers: { ...protocolHeaders, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(
      docs.map((d) => ({ assumedMasterState: null, newDocumentState: { ...d, _deleted: false } })),
    ),
  });
  const body = (await res.json()) as { rejections: unknown[] };
  if (!res.ok || body.rejections.length > 0) throw new Error(`push refused: ${JSON.stringify(body)}`);
}

/** Documents as a device makes them: through the domain's own constructors and rules. */
export const groupDoc = (id: string, name: string, description = '') =>
  createGroup(checkGroupInput({ name, description, metadata: {} }), id, Date.now());

export const clientDoc = (id: string, name: string, email?: string) =>
  createClient({ name, ...(email ? { email } : {}) }, id, Date.now());

export const membershipDoc = (groupId: string, clientId: string, startDate: string, endDate?: string) =>
  createMembership(groupId, clientId, { startDate, ...(endDate ? { endDate } : {}) }, Date.now());

export function uniqueId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}
