import type { AppContext } from './app';

/** Ends at once every open change stream of a token that no longer works (signed out, revoked). */
export function closeStreamsOf(ctx: Pick<AppContext, 'streams'>, tokenHash: string): void {
  for (const [close, hash] of [...ctx.streams]) if (hash === tokenHash) close();
}
