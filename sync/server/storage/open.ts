import type { ServerConfig } from '../config';
import type { Database } from './database';
import { openEmbedded } from './embedded';
import { migrate } from './migrations';
import { openPostgres } from './postgres';

/** Opens the configured storage and brings its schema up to date. */
export async function openDatabase(config: Pick<ServerConfig, 'databaseUrl' | 'dataDir'>): Promise<Database> {
  const db = config.databaseUrl ? await openPostgres(config.databaseUrl) : await openEmbedded(config.dataDir);
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
