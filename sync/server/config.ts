import path from 'node:path';
import { DEFAULT_LIMITS, type RateLimits } from './limits';

export type ServerConfig = {
  host: string;
  port: number;
  /** PostgreSQL when set; otherwise the embedded storage in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** How long a sign-in lasts at most, however much it is used. */
  tokenTtlMs: number;
  /** How long a sign-in lasts without use. */
  sessionIdleMs: number;
  logLevel: string;
  /** Requests per minute, by whom (limits.ts). */
  rateLimits: RateLimits;
  /**
   * Which proxies' X-Forwarded-For to believe for the client's address (Fastify's
   * trustProxy): none unless set, so a client cannot name its own address.
   */
  trustProxy: boolean | string[];
};

/**
 * COHORT_TRUST_PROXY: the proxies' addresses or CIDRs, separated by commas (or `true`, any
 * proxy: only where nothing but the proxy can reach the server). Unset: the client's
 * address is the connection's.
 */
export function trustProxyFrom(value: string | undefined): boolean | string[] {
  const text = value?.trim() ?? '';
  if (text === '' || text === 'false') return false;
  if (text === 'true') return true;
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

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
    tokenTtlMs: Number(env.COHORT_TOKEN_TTL_HOURS ?? 24 * 90) * 3600_000,
    sessionIdleMs: Number(env.COHORT_SESSION_IDLE_HOURS ?? 24 * 30) * 3600_000,
    logLevel: env.LOG_LEVEL ?? 'info',
    rateLimits: {
      ...DEFAULT_LIMITS,
      restPerToken: Number(env.COHORT_RATE_LIMIT_PER_MINUTE ?? DEFAULT_LIMITS.restPerToken),
    },
    trustProxy: trustProxyFrom(env.COHORT_TRUST_PROXY),
  };
}
