/**
 * Slows down password guessing with growing delays, never a lockout. Failed sign-ins are
 * counted, over the last 15 minutes, three ways:
 *
 * - per account and address: the guesser's own attempts on one account. Past 3 failures
 *   each attempt waits 1 s, then 2, 4, … up to 60 s after the last failure — also with
 *   the right password, so a guesser learns nothing meanwhile;
 * - per account, from every address (a guess spread over many addresses): past 10;
 * - per address, on every account (one address trying many accounts): past 30.
 *
 * The last two never slow down an account on an address it signed in from before: one
 * attacker can keep neither a practice's office (one address behind NAT) nor a named
 * account out, and nobody ever waits more than a minute. A success clears the failures of
 * its account on its address. Per server process, in memory, bounded.
 */
export const WINDOW_MS = 15 * 60_000;
export const DELAY_MAX_MS = 60_000;
/** Failures allowed before the delays begin, per key kind. */
export const FREE_FAILURES = { pair: 3, account: 10, address: 30 } as const;
/** How long an account is known on an address after it signed in from there. */
const KNOWN_MS = 30 * 24 * 3600_000;
/** Keys kept at most (the oldest go first): a flood of made-up emails cannot fill the memory. */
const KEYS_MAX = 100_000;

/** The delay after `failures` recent failures where `free` are allowed: 0, then 1 s doubling to a minute. */
export function delayAfter(failures: number, free: number): number {
  if (failures < free) return 0;
  return Math.min(DELAY_MAX_MS, 1000 * 2 ** (failures - free));
}

/** A map that forgets its oldest keys beyond KEYS_MAX (Map keeps insertion order; a touch moves a key last). */
class BoundedMap<V> extends Map<string, V> {
  override set(key: string, value: V): this {
    super.delete(key);
    super.set(key, value);
    if (this.size > KEYS_MAX) {
      const oldest = this.keys().next().value;
      if (oldest !== undefined) super.delete(oldest);
    }
    return this;
  }
}

export class LoginThrottle {
  private readonly failures = new BoundedMap<number[]>();
  private readonly known = new BoundedMap<number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Milliseconds `email` must wait before trying again from `address`; 0 when it may now. */
  waitFor(email: string, address: string): number {
    const pair = this.wait(`pair:${email}|${address}`, FREE_FAILURES.pair);
    if (this.isKnown(email, address)) return pair;
    return Math.max(
      pair,
      this.wait(`account:${email}`, FREE_FAILURES.account),
      this.wait(`address:${address}`, FREE_FAILURES.address),
    );
  }

  failed(email: string, address: string): void {
    for (const key of [`pair:${email}|${address}`, `account:${email}`, `address:${address}`]) {
      this.failures.set(key, [...this.recent(key), this.now()]);
    }
  }

  succeeded(email: string, address: string): void {
    this.failures.delete(`pair:${email}|${address}`);
    this.known.set(`${email}|${address}`, this.now());
  }

  private isKnown(email: string, address: string): boolean {
    const at = this.known.get(`${email}|${address}`);
    return at !== undefined && at > this.now() - KNOWN_MS;
  }

  private recent(key: string): number[] {
    const since = this.now() - WINDOW_MS;
    const kept = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (kept.length === 0) this.failures.delete(key);
    return kept;
  }

  private wait(key: string, free: number): number {
    const recent = this.recent(key);
    const last = recent.at(-1);
    if (last === undefined) return 0;
    return Math.max(0, last + delayAfter(recent.length, free) - this.now());
  }
}
