import path from 'node:path';

export type ServerConfig = {
  host: string;
  port: number;
  /** PostgreSQL when set; otherwise the embedded storage in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** How long a sign-in token lives. */
  tokenTtlMs: number;
  logLevel: string;
  /** REST API requests per token (or per address without one) per minute. */
  rateLimitPerMinute: number;
};

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = Number(env.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number, not "${env.PORT}"`);
  }
  return {
    host: env.HOST ?? '127.0.0.1',
    port,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.COHORT_DATA_DIR ?? './data'),
    tokenTtlMs: Number(env.COHORT_TOKEN_TTL_HOURS ?? 24 * 30) * 3600_000,
    logLevel: env.LOG_LEVEL ?? 'info',
    rateLimitPerMinute: Number(env.COHORT_RATE_LIMIT_PER_MINUTE ?? 600),
  };
}
