/**
 * The classic offline-first peer: PouchDB in the same browser replicating the same
 * documents from express-pouchdb (memory adapter) on 127.0.0.1, with an explicit
 * batch_size, as DESIGN.md's measured facts advise.
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import type { BenchApp } from './browser';

const require = createRequire(import.meta.url);

type PouchStatic = {
  plugin(plugin: unknown): PouchStatic;
  defaults(options: object): new (name: string) => { bulkDocs(docs: object[]): Promise<unknown> };
};

/** Starts express-pouchdb with `docs` in database `bench`; the server's own page serves the browser side. */
export async function startPouchPeer(docs: object[]): Promise<{ url: string; close(): Promise<void> }> {
  const PouchDB = (require('pouchdb-core') as PouchStatic).plugin(require('pouchdb-adapter-memory'));
  const MemoryPouch = PouchDB.defaults({ adapter: 'memory' });
  const db = new MemoryPouch('bench');
  for (let i = 0; i < docs.length; i += 5000) await db.bulkDocs(docs.slice(i, i + 5000));
  const expressPouchdb = require('express-pouchdb') as (
    p: unknown,
    o: object,
  ) => { listen(port: number, host: string, cb: () => void): Server };
  const app = expressPouchdb(MemoryPouch, { mode: 'minimumForPouchDB', inMemoryConfig: true });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no pouch address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let bundle: Promise<string> | null = null;

/** PouchDB for the browser, bundled once into one script. */
function browserBundle(): Promise<string> {
  bundle ??= build({
    stdin: {
      contents: "import PouchDB from 'pouchdb-browser'; window.PouchDB = PouchDB;",
      resolveDir: process.cwd(),
    },
    bundle: true,
    format: 'iife',
    write: false,
    logLevel: 'error',
    define: { global: 'window', 'process.env.NODE_ENV': '"production"' },
  }).then((result) => result.outputFiles[0]?.text ?? '');
  return bundle;
}

/** Replicates everything from the peer into a fresh PouchDB on a fresh device: seconds. */
export async function pouchReplication(app: BenchApp, peerUrl: string): Promise<number> {
  const { context, page } = await app.newDevice();
  try {
    // The peer's own origin: no CORS, and IndexedDB has a real origin.
    await page.goto(`${peerUrl}/`);
    await page.addScriptTag({ content: await browserBundle() });
    return await page.evaluate<number>(`(async () => {
      const db = new PouchDB('peer');
      const t0 = performance.now();
      await db.replicate.from('${peerUrl}/bench', { batch_size: 1000, batches_limit: 5 });
      return (performance.now() - t0) / 1000;
    })()`);
  } finally {
    await context.close();
  }
}
