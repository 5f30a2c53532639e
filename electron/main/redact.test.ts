import { describe, expect, it } from 'vitest';
import { redact } from './redact';

describe('redact', () => {
  it('removes bearer tokens, API tokens, passwords and session tokens, and keeps the rest', () => {
    const line =
      'GET /api/v1/groups Authorization: Bearer abc.DEF-123_x~ then cohort_AbCdEfGhIjKlMnOpQrStUvWxYz012345 ' +
      '{"token":"s3cr3t","password":"hunter2 \\"x\\"","name":"Anna"} ?token=zzz&next=1';
    const out = redact(line);
    for (const secret of ['abc.DEF-123_x~', 'AbCdEfGhIjKl', 's3cr3t', 'hunter2', 'zzz'])
      expect(out).not.toContain(secret);
    expect(out).toContain('GET /api/v1/groups');
    expect(out).toContain('"name":"Anna"');
    expect(out).toContain('next=1');
  });
});
