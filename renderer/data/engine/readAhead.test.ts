import { describe, expect, it } from 'vitest';
import type { Checkpoint } from '../../../sync/protocol';
import { withReadAhead, type FetchPage, type PullPage } from './readAhead';

/** A server's pull over `total` documents in order: checkpoint = index of the last one sent. */
function pager(total: number) {
  const calls: (number | null)[] = [];
  let failNext = false;
  const fetchPage = async (checkpoint: Checkpoint | null | undefined, limit: number) => {
    const from = checkpoint ? (checkpoint as unknown as { seq: number }).seq : 0;
    calls.push(checkpoint ? from : null);
    if (failNext) {
      failNext = false;
      throw new Error('offline');
    }
    const documents = Array.from({ length: Math.max(0, Math.min(limit, total - from)) }, (_, i) => from + i);
    const page: PullPage<number> = {
      documents,
      checkpoint: documents.length ? ({ seq: from + documents.length } as unknown as Checkpoint) : null,
    };
    return page;
  };
  return { fetchPage, calls, failNextCall: () => (failNext = true) };
}

async function pullAll(pull: FetchPage<number>, limit: number) {
  const seen: number[] = [];
  let checkpoint: Checkpoint | null = null;
  for (;;) {
    const page = await pull(checkpoint, limit);
    seen.push(...page.documents);
    checkpoint = page.checkpoint ?? checkpoint;
    if (page.documents.length < limit) return seen;
  }
}

describe('read-ahead of pull pages', () => {
  it('fetches the next page while the current one is handled, and each page once', async () => {
    const server = pager(25);
    const pull = withReadAhead(server.fetchPage);
    const first = await pull(null, 10);
    // The second page was requested before anyone asked for it.
    expect(server.calls).toEqual([null, 10]);
    expect(first.documents).toHaveLength(10);
    const rest = await pullAll(pull, 10);
    expect(rest).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(server.calls).toEqual([null, 10, null, 10, 20]);
  });

  it('does not read ahead after a short page (caught up)', async () => {
    const server = pager(5);
    const pull = withReadAhead(server.fetchPage);
    await pull(null, 10);
    expect(server.calls).toEqual([null]);
  });

  it('uses a page read ahead only for the checkpoint it continues from', async () => {
    const server = pager(30);
    const pull = withReadAhead(server.fetchPage);
    await pull(null, 10); // reads ahead from 10
    const page = await pull({ seq: 20 } as unknown as Checkpoint, 10);
    expect(page.documents[0]).toBe(20);
    expect(server.calls).toEqual([null, 10, 20, 30]);
  });

  it('fetches again when the read-ahead failed', async () => {
    const server = pager(30);
    const pull = withReadAhead(server.fetchPage);
    server.failNextCall();
    await expect(pull(null, 10)).rejects.toThrow('offline');
    await pull(null, 10);
    server.failNextCall();
    // The read-ahead from 10 is under way and fails; the next pull fetches page 10 itself.
    expect(server.calls).toEqual([null, null, 10]);
    const page = await pull({ seq: 10 } as unknown as Checkpoint, 10);
    expect(page.documents[0]).toBe(10);
  });

  it('forgets a page read ahead', async () => {
    const server = pager(30);
    const pull = withReadAhead(server.fetchPage);
    await pull(null, 10);
    pull.forget();
    await pull({ seq: 10 } as unknown as Checkpoint, 10);
    expect(server.calls.filter((c) => c === 10)).toHaveLength(2);
  });
});
