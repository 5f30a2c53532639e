/**
 * Slows down password guessing: after 5 failed sign-ins for one email, or 30 from one
 * address, within 15 minutes, further attempts are refused (429) until the oldest
 * failure is 15 minutes old — also with the right password, so a guesser learns
 * nothing. A successful sign-in clears the email's failures. Per server process.
 */
export const FAILURES_PER_EMAIL = 5;
export const FAILURES_PER_ADDRESS = 30;
export const WINDOW_MS = 15 * 60_000;

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Milliseconds to wait before `email` may try again from `address`; 0 when it may now. */
  waitFor(email: string, address: string): number {
    return Math.max(
      this.wait(`email:${email}`, FAILURES_PER_EMAIL),
      this.wait(`address:${address}`, FAILURES_PER_ADDRESS),
    );
  }

  failed(email: string, address: string): void {
    for (const key of [`email:${email}`, `address:${address}`]) {
      this.failures.set(key, [...this.recent(key), this.now()]);
    }
  }

  succeeded(email: string): void {
    this.failures.delete(`email:${email}`);
  }

  private recent(key: string): number[] {
    const since = this.now() - WINDOW_MS;
    const kept = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (kept.length === 0) this.failures.delete(key);
    else this.failures.set(key, kept);
    return kept;
  }

  private wait(key: string, limit: number): number {
    const recent = this.recent(key);
    if (recent.length < limit) return 0;
    return (recent[recent.length - limit] ?? 0) + WINDOW_MS - this.now();
  }
}
