/**
 * Runs fuzz requests against a test server and judges each answer: a 4xx with
 * `{error: {code, message}}` that leaks no internals (or, for a sync push, every row
 * refused as a conflict), and nothing written. Counts requests per endpoint, mutation
 * kind and status for the report.
 */
import fc from 'fast-check';
import type { Database } from '../storage/database';
import type { FuzzRequest } from './mutations';
import { send, type Answer } from './wire';

/** Stack frames, file paths and PostgreSQL's own error texts: none may reach a client. */
const LEAKS =
  /\n\s+at |\bat (?:async )?\S+ \(|node_modules|\.(?:ts|js):\d+|invalid byte sequence|syntax error at|violates|relation "|duplicate key|out of range for type|invalid input syntax|unsupported Unicode escape|Maximum call stack|\bSELECT\b.+\bFROM\b|\bINSERT INTO\b|\bUPDATE\b.+\bSET\b/;

/** What is wrong with an error answer's body, or null when it is `{error: {code, message}}`. */
export function errorBodyProblem(answer: Answer): string | null {
  if (!answer.contentType.startsWith('application/json'))
    return `content type "${answer.contentType}", not JSON`;
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return 'the body is not JSON';
  }
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (typeof error?.code !== 'string' || error.code === '') return 'no error.code string';
  if (typeof error.message !== 'string' || error.message === '') return 'no error.message string';
  if (LEAKS.test(error.message)) return `the message shows internals: ${error.message}`;
  return null;
}

/** Why the answer to a surely invalid request is wrong, or null when it is a proper refusal. */
export function judge(request: FuzzRequest, answer: Answer): string | null {
  if (answer.status === 200 && request.rows !== null) return rowsRefusedProblem(answer, request.rows);
  if (answer.status < 400 || answer.status > 499) return `status ${answer.status}, expected a 4xx`;
  return errorBodyProblem(answer);
}

/** A push answered 200 must hand every row back as a conflict: none was written. */
function rowsRefusedProblem(answer: Answer, rows: number): string | null {
  const body = JSON.parse(answer.text) as { conflicts?: unknown; rejections?: unknown };
  if (!Array.isArray(body.conflicts) || !Array.isArray(body.rejections))
    return 'a push answer without conflicts and rejections';
  if (body.conflicts.length !== rows) return `${rows} row(s) pushed, only ${body.conflicts.length} refused`;
  return null;
}

const asText = (value: unknown) =>
  typeof value === 'bigint' || typeof value === 'number' ? String(value) : value;

/** Cheap marks that move with any write: each collection's last sequence number, tokens and sessions. */
export async function writeMarks(db: Database): Promise<string> {
  const rows = await db.query(`SELECT
    (SELECT coalesce(max(seq), 0) FROM groups) AS groups,
    (SELECT coalesce(max(seq), 0) FROM clients) AS clients,
    (SELECT coalesce(max(seq), 0) FROM memberships) AS memberships,
    (SELECT count(*) FROM api_tokens) AS tokens,
    (SELECT count(*) FROM api_tokens WHERE revoked_at IS NULL) AS live_tokens,
    (SELECT count(*) FROM sessions) AS sessions,
    (SELECT count(*) FROM sessions WHERE revoked_at IS NULL) AS live_sessions`);
  return JSON.stringify(rows[0], (_key, value: unknown) => asText(value));
}

/** Every stored row of every organisation, as text (API tokens without their last use, which reads update). */
export async function storedData(db: Database): Promise<string> {
  const tables: [string, string][] = [
    ['organizations', 'id'],
    ['users', 'id'],
    ['groups', 'organization_id, id'],
    ['clients', 'organization_id, id'],
    ['memberships', 'organization_id, id'],
    ['api_tokens', 'id'],
    ['sessions', 'token_hash'],
  ];
  const out: Record<string, unknown[]> = {};
  for (const [table, order] of tables) {
    const rows = await db.query(`SELECT * FROM ${table} ORDER BY ${order}`);
    out[table] = rows.map(({ last_used_at: _used, ...row }) => (void _used, row));
  }
  return JSON.stringify(out, (_key, value: unknown) => asText(value));
}

/** Requests sent, by storage, endpoint, mutation kind and status. */
export class FuzzStats {
  total = 0;
  readonly byEndpoint = new Map<string, number>();
  readonly byMutation = new Map<string, number>();
  readonly byStatus = new Map<string, number>();

  record(request: FuzzRequest, answer: Answer): void {
    const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
    this.total++;
    bump(this.byEndpoint, request.endpoint);
    bump(this.byMutation, request.mutation);
    bump(
      this.byStatus,
      answer.status === 200 && request.rows !== null ? '200 (rows refused)' : String(answer.status),
    );
  }

  report(title: string, ms: number): string {
    const table = (map: Map<string, number>) =>
      [...map.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([key, n]) => `    ${String(n).padStart(6)}  ${key}`)
        .join('\n');
    return [
      `${title}: ${this.total} requests in ${(ms / 1000).toFixed(1)} s`,
      `  by endpoint:\n${table(this.byEndpoint)}`,
      `  by mutation:\n${table(this.byMutation)}`,
      `  by status:\n${table(this.byStatus)}`,
    ].join('\n');
  }
}

/** JSON-quoted, with invisible characters (C1 controls, format characters, separators, lone surrogates) escaped too. */
const visible = (text: string) =>
  JSON.stringify(text).replace(
    /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu,
    (c) => `\\u${(c.codePointAt(0) as number).toString(16).padStart(4, '0')}`,
  );
const clip = (text: string, max = 600) =>
  text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;

/** The request in a few lines, tokens hidden, bodies cut short but with invisible characters escaped. */
export function describeRequest(request: FuzzRequest): string {
  const { wire } = request;
  const headers = Object.entries(wire.headers).map(([k, v]) =>
    k === 'authorization' ? `${k}: ${v.replace(/(\S+\s+)?(\S{6})\S{10,}/, '$1$2…')}` : `${k}: ${visible(v)}`,
  );
  const body =
    wire.body === undefined
      ? '(none)'
      : clip(visible(typeof wire.body === 'string' ? wire.body : wire.body.toString('latin1')));
  return [
    `${request.endpoint} — ${request.mutation} (${request.detail})`,
    `${wire.method} ${clip(visible(wire.target), 300)}`,
    ...headers,
    `body: ${body}`,
  ].join('\n    ');
}

export type JudgedSend = (request: FuzzRequest) => Promise<{ answer: Answer; problem: string | null }>;

/**
 * A sender that judges each answer, and whether anything was written since the last
 * request (one query per request: the marks are remembered between them).
 */
export async function judgedSender(url: string, db: Database): Promise<JudgedSend> {
  let marks = await writeMarks(db);
  return async (request) => {
    const answer = await send(url, request.wire);
    const now = await writeMarks(db);
    const wrote = now !== marks;
    marks = now;
    return { answer, problem: judge(request, answer) ?? (wrote ? 'it wrote to the database' : null) };
  };
}

/**
 * Sends `runs` requests drawn from `requests` with the seed, each judged. A failure
 * names the seed, the endpoint, the mutation, the request and the answer.
 */
export async function fuzzServer(options: {
  url: string;
  db: Database;
  requests: fc.Arbitrary<FuzzRequest>;
  seed: number;
  runs: number;
  stats: FuzzStats;
}): Promise<void> {
  const { requests, seed, runs, stats } = options;
  const sendJudged = await judgedSender(options.url, options.db);
  const labelled = requests.map((request) =>
    Object.assign(request, { [fc.toStringMethod]: () => describeRequest(request) }),
  );
  await fc.assert(
    fc.asyncProperty(labelled, async (request) => {
      const { answer, problem } = await sendJudged(request);
      stats.record(request, answer);
      if (problem) {
        throw new Error(
          [
            `Refused wrongly: ${problem}`,
            `  seed ${seed} (replay with COHORT_FUZZ_SEED=${seed})`,
            `  request: ${describeRequest(request)}`,
            `  answer: ${answer.status} ${answer.contentType} ${clip(answer.text, 400)}`,
          ].join('\n'),
        );
      }
    }),
    { seed, numRuns: runs },
  );
}
