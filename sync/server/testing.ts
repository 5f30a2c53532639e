/**
 * Test support: a real server over HTTP on 127.0.0.1, on a fresh embedded database in
 * a temporary folder, or on a fresh PostgreSQL database when COHORT_TEST_DATABASE_URL
 * names a server (`.ci/run` starts one).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { LoginResponse } from '../../domain/session';
import { buildApp } from './app';
import type { RateLimits } from './limits';
import { openChangeBus, type ChangeBus } from './changeBus';
import { seed } from './seedData';
import type { Database } from './storage/database';
import { openDatabase } from './storage/open';

export type StorageKind = 'embedded' | 'postgres';

/** The storages to run server tests on. In CI PostgreSQL is required, not skipped. */
export function testStorages(): StorageKind[] {
  if (process.env.COHORT_TEST_DATABASE_URL) return ['embedded', 'postgres'];
  if (process.env.CI)
    throw new Error('CI must set COHORT_TEST_DATABASE_URL: PostgreSQL tests may not be skipped.');
  console.warn('COHORT_TEST_DATABASE_URL is not set: PostgreSQL server tests are skipped.');
  return ['embedded'];
}

export type TestServer = {
  url: string;
  db: Database;
  login(email: string, password?: string): Promise<LoginResponse>;
  /** Stops the server and starts it again on the same storage and port (a restart, or a crash when `crash`). */
  restart(): Promise<void>;
  close(): Promise<void>;
};

/** A fresh, empty storage: a temporary folder, or a new PostgreSQL database. */
export async function freshStorage(
  kind: StorageKind,
): Promise<{ config: { databaseUrl: string | undefined; dataDir: string }; drop(): Promise<void> }> {
  if (kind === 'embedded') {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-test-'));
    return {
      config: { databaseUrl: undefined, dataDir },
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const adminUrl = process.env.COHORT_TEST_DATABASE_URL as string;
  const name = `cohort_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    config: { databaseUrl: url.toString(), dataDir: '' },
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * A fresh storage with the demo organisations, and the environment a server process
 * (`npm run server`, see sync/testing/serverProcess.ts) needs to use it.
 */
export async function seededStorage(
  kind: StorageKind,
): Promise<Awaited<ReturnType<typeof freshStorage>> & { env: Record<string, string> }> {
  const storage = await freshStorage(kind);
  const db = await openDatabase(storage.config);
  await seed(db);
  await db.close();
  const env: Record<string, string> = storage.config.databaseUrl
    ? { DATABASE_URL: storage.config.databaseUrl }
    : { COHORT_DATA_DIR: storage.config.dataDir };
  return { ...storage, env };
}

export type TestServerOptions = {
  /** REST requests per token per minute (default: plenty for tests). */
  rateLimitPerMinute?: number;
  /** The other limits (limits.ts), where a test needs them small. */
  rateLimits?: Partial<RateLimits>;
  trustProxy?: boolean | string[];
  /** Where the request log goes (none when absent). */
  logStream?: NodeJS.WritableStream;
  /** How long a sign-in lasts (default: an hour). */
  tokenTtlMs?: number;
  /** How long a sign-in lasts without use (default: the server's). */
  sessionIdleMs?: number;
};

export async function startTestServer(
  kind: StorageKind = 'embedded',
  options: TestServerOptions = {},
): Promise<TestServer> {
  const storage = await seededStorage(kind);

  let running: { app: Awaited<ReturnType<typeof buildApp>>; db: Database; bus: ChangeBus } | null = null;
  let port = 0;
  const start = async () => {
    const db = await openDatabase(storage.config);
    const bus = await openChangeBus(storage.config.databaseUrl);
    const app = await buildApp({
      db,
      bus,
      config: {
        tokenTtlMs: options.tokenTtlMs ?? 3600_000,
        ...(options.sessionIdleMs === undefined ? {} : { sessionIdleMs: options.sessionIdleMs }),
        logLevel: options.logStream ? 'info' : 'silent',
        rateLimits: { restPerToken: options.rateLimitPerMinute ?? 100_000, ...options.rateLimits },
        ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
      },
      logger: options.logStream ? { stream: options.logStream } : false,
    });
    await app.listen({ host: '127.0.0.1', port });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    port = address.port;
    running = { app, db, bus };
  };
  const stop = async () => {
    if (!running) return;
    const { app, bus, db } = running;
    running = null;
    await app.close();
    await bus.close();
    await db.close();
  };
  await start();
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    get db() {
      if (!running) throw new Error('The test server is stopped.');
      return running.db;
    },
    login: (email, password) => loginAt(url, email, password),
    async restart() {
      await stop();
      await start();
    },
    async close() {
      await stop();
      await storage.drop();
    },
  };
}

/** Signs in to the server at `url` with a demo account. */
export async function loginAt(url: string, email: string, password = 'cohort-demo'): Promise<LoginResponse> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`login ${email} failed: ${res.status}`);
  return (await res.json()) as LoginResponse;
}
