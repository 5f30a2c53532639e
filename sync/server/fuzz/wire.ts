/**
 * Fuzz requests on the wire: JSON text (with nesting too deep for JSON.stringify), raw
 * paths, and a sender over node:http, which sends exactly the bytes and headers it is
 * given (fetch would normalise paths and add a content type of its own).
 */
import http from 'node:http';

/** A value nested `depth` levels deep, written straight as text. */
export class Deep {
  constructor(
    readonly depth: number,
    readonly shape: 'array' | 'object',
  ) {}

  text(): string {
    return this.shape === 'array'
      ? '['.repeat(this.depth) + ']'.repeat(this.depth)
      : '{"a":'.repeat(this.depth) + '1' + '}'.repeat(this.depth);
  }
}

export type Json = null | boolean | number | string | Deep | Json[] | { [key: string]: Json };

const DEEP_MARK = '@@fuzz-deep-';

/** JSON text of `value`, with every Deep written in place. */
export function jsonText(value: Json): string {
  const deep: Deep[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (!(v instanceof Deep)) return v;
    deep.push(v);
    return `${DEEP_MARK}${deep.length - 1}@@`;
  });
  return deep.length === 0
    ? text
    : text.replace(/"@@fuzz-deep-(\d+)@@"/g, (_m, i: string) => (deep[Number(i)] as Deep).text());
}

const hex = (byte: number) => byte.toString(16).toUpperCase();

/** A path segment, percent-encoded; an unpaired surrogate becomes its (invalid) CESU-8 bytes. */
export function encodeSegment(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0) as number;
    out +=
      code >= 0xd800 && code <= 0xdfff
        ? `%ED%${hex(0x80 | ((code >> 6) & 0x3f))}%${hex(0x80 | (code & 0x3f))}`
        : encodeURIComponent(char);
  }
  return out;
}

/** `?a=1&b=2&b=3`: an array value repeats its key. */
export function queryString(query: Record<string, string | string[]>): string {
  const pairs = Object.entries(query).flatMap(([key, value]) =>
    (Array.isArray(value) ? value : [value]).map((v) => `${encodeSegment(key)}=${encodeSegment(v)}`),
  );
  return pairs.length > 0 ? `?${pairs.join('&')}` : '';
}

export type WireRequest = {
  method: string;
  /** The raw request target, `/api/v1/...?...`, sent as is. */
  target: string;
  headers: Record<string, string>;
  body?: string | Buffer;
};

export type Answer = { status: number; contentType: string; text: string };

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
const TIMEOUT_MS = 15_000;

/** Sends one request; `headersOnly` answers as soon as the headers arrive (for event streams). */
export function send(baseUrl: string, request: WireRequest, headersOnly = false): Promise<Answer> {
  const { hostname, port } = new URL(baseUrl);
  const headers = { ...request.headers };
  if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, host: hostname, port, method: request.method, path: request.target, headers },
      (res) => {
        const answer = {
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
        };
        if (headersOnly) {
          res.destroy();
          resolve({ ...answer, text: '' });
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ ...answer, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(request.body);
  });
}
