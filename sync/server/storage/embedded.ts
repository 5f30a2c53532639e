import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Database, Row, Sql } from './database';

/**
 * PGlite: PostgreSQL compiled to WebAssembly, in this process, keeping its files in
 * `dataDir` (or in memory when `dataDir` is `memory://`). One connection: statements
 * queue, so a transaction holds the whole database while it runs.
 */
export async function openEmbedded(dataDir: string): Promise<Database> {
  if (!dataDir.startsWith('memory://')) fs.mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create(dataDir);
  const wrap = (q: Pick<PGlite, 'query'>): Sql => ({
    async query<T extends Row>(text: string, params: unknown[] = []) {
      const result = await q.query<T>(text, params);
      return result.rows;
    },
  });
  return {
    kind: 'embedded',
    ...wrap(pg),
    transaction: (work) => pg.transaction((tx) => work(wrap(tx))),
    close: () => pg.close(),
  };
}
