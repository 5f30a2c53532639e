import { describe, expect, it } from 'vitest';
import { redact, redactData, redactError, redactLogValue } from './redact';

const CLIENT = {
  id: 'c-anna',
  name: 'Anna de Vries',
  email: 'anna.devries@example.nl',
  phone: '+31 6 1234 5678',
  birthDate: '1986-04-12',
};
const CLIENT_VALUES = [CLIENT.name, CLIENT.email, CLIENT.phone, CLIENT.birthDate];

/** An error as RxDB makes them: its parameters, a write row with a whole client, in the message. */
function rxdbValidationError(): Error {
  const message = `\nobject does not match schema\n${'-'.repeat(20)}\nParameters:\nwriteRow: ${JSON.stringify(
    { document: CLIENT },
    null,
    2,
  )}\n`;
  return Object.assign(new Error(message), { name: 'RxError (VD2)' });
}

describe('redact', () => {
  it('removes bearer tokens, API tokens, passwords and session tokens, and keeps the rest', () => {
    const line =
      'GET /api/v1/groups Authorization: Bearer abc.DEF-123_x~ then cohort_AbCdEfGhIjKlMnOpQrStUvWxYz012345 ' +
      '{"token":"s3cr3t","password":"hunter2 \\"x\\""} ?token=zzz&next=1';
    const out = redact(line);
    for (const secret of ['abc.DEF-123_x~', 'AbCdEfGhIjKl', 's3cr3t', 'hunter2', 'zzz'])
      expect(out).not.toContain(secret);
    expect(out).toContain('GET /api/v1/groups');
    expect(out).toContain('next=1');
  });

  it('leaves no client data in what the renderer reports: RxDB’s parameters, JSON values, emails, dates, phones', () => {
    const reported = `unhandled rejection: ${String(rxdbValidationError())}`;
    const inline = `could not save {"name":"Anna de Vries","email":"anna.devries@example.nl","id":"c-anna"} for anna.devries@example.nl born 1986-04-12, call +31 6 1234 5678`;
    for (const text of [reported, inline]) {
      const out = redactData(text);
      expect(
        CLIENT_VALUES.filter((v) => out.includes(v)),
        out,
      ).toEqual([]);
    }
    // What went wrong stays readable.
    expect(redactData(reported)).toContain('object does not match schema');
    expect(redactData(inline)).toContain('"id":"c-anna"');
  });

  it('redacts Error objects too: their message and stack, secrets and values alike', () => {
    const error = rxdbValidationError();
    error.stack = `${error.name}: ${error.message}\n    at save (cohort://app/assets/index.js:1:200)`;
    const out = redactError(error);
    expect(CLIENT_VALUES.filter((v) => out.includes(v))).toEqual([]);
    expect(out).toContain('RxError (VD2)');
    expect(out).toContain('at save (cohort://app/assets/index.js:1:200)');
    const withToken = redactLogValue(new Error('401 for Authorization: Bearer tok-abc.123'));
    expect(withToken).toEqual(expect.stringContaining('Bearer [redacted]'));
    expect(withToken).not.toEqual(expect.stringContaining('tok-abc.123'));
    expect(redactLogValue(42)).toBe(42);
  });
});
