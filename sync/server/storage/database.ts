/**
 * The server's one way to talk SQL, over either PGlite (embedded, no install) or
 * PostgreSQL. Both run the same statements and the same migrations.
 */
export type Row = Record<string, unknown>;

export interface Sql {
  query<T extends Row = Row>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface Database extends Sql {
  readonly kind: 'embedded' | 'postgres';
  /** Runs `work` in one transaction: all of it commits, or none. */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** node-postgres gives int8 as strings, PGlite as numbers or bigints: read them all as numbers. */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' || typeof value === 'string') return Number(value);
  throw new Error(`expected a number from the database, got ${typeof value}`);
}
