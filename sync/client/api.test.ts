/**
 * The device's edge: what the server answers is checked here, once (a pulled document is
 * written to the local database as it comes), and every sync request names the protocol.
 */
import { describe, expect, it } from 'vitest';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../protocol';
import { ApiRequestError, createApiClient } from './api';
import { describeError } from './errors';

const group = {
  id: 'g1',
  name: 'Tuesday group',
  description: '',
  metadata: {},
  createdAt: 1,
  updatedAt: 2,
  _deleted: false,
};

/** A client whose server answers `json` to everything, recording what it was sent. */
function answering(json: unknown, status = 200) {
  const sent: { url: string; headers: Record<string, string> }[] = [];
  const api = createApiClient({
    serverUrl: 'http://127.0.0.1:1',
    token: 't',
    fetch: async (input, init) => {
      sent.push({ url: String(input), headers: init?.headers as Record<string, string> });
      return new Response(JSON.stringify(json), { status, headers: { 'content-type': 'application/json' } });
    },
  });
  return { api, sent };
}

describe('the sync client', () => {
  it('takes a pull page and a push answer that fit the protocol, as they are', async () => {
    const page = {
      documents: [group, { id: 'g2', createdAt: 1, updatedAt: 3, _deleted: true }],
      checkpoint: { seq: 4 },
    };
    const { api, sent } = answering(page);
    expect(await api.pull('groups', null, 100)).toEqual(page);
    expect(sent[0]?.headers[PROTOCOL_HEADER]).toBe(String(PROTOCOL_VERSION));
    const pushAnswer = { conflicts: [group], rejections: [{ id: 'g1', code: 'invalid', message: 'no' }] };
    expect(await answering(pushAnswer).api.push('groups', [])).toEqual(pushAnswer);
  });

  it('refuses an answer that does not fit, saying where', async () => {
    const cases: [unknown, RegExp][] = [
      [{ documents: [{ ...group, name: '' }], checkpoint: null }, /at documents\.0\.name/],
      [{ documents: [{ ...group, surprise: 1 }], checkpoint: null }, /at documents\.0/],
      [{ documents: [{ ...group, _deleted: 'no' }], checkpoint: null }, /at documents\.0\._deleted/],
      [{ documents: [group], checkpoint: { seq: -1 } }, /at checkpoint\.seq/],
      [{ documents: 'all of them' }, /at documents/],
      [[group], /page of groups/],
    ];
    for (const [json, where] of cases) {
      const error = await answering(json)
        .api.pull('groups', null, 100)
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(error, JSON.stringify(json)).toBeInstanceOf(ApiRequestError);
      expect((error as ApiRequestError).code).toBe('bad_response');
      expect((error as Error).message).toMatch(where);
    }
    // A membership is checked as a membership: its id must come from its pair.
    const membership = {
      id: 'g1:c2',
      groupId: 'g1',
      clientId: 'c1',
      startDate: '2026-01-01',
      createdAt: 1,
      updatedAt: 1,
      _deleted: false,
    };
    await expect(
      answering({ documents: [membership], checkpoint: null }).api.pull('memberships', null, 100),
    ).rejects.toThrow(/at documents\.0\.id/);
    await expect(
      answering({ conflicts: [], rejections: [{ id: 'x', code: 'maybe', message: '' }] }).api.push(
        'groups',
        [],
      ),
    ).rejects.toThrow(/answer to a push of groups/);
  });

  it('names a server that needs a newer app as such', async () => {
    const { api } = answering({ error: { code: 'update_required', message: 'Update the app.' } }, 426);
    const error = await api.pull('groups', null, 100).then(
      () => null,
      (e: unknown) => e,
    );
    expect(describeError(error)).toEqual({ kind: 'update', message: 'Update the app.' });
  });
});
