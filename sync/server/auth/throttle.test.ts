import { describe, expect, it } from 'vitest';
import { LoginThrottle, WINDOW_MS } from './throttle';

describe('login throttle', () => {
  it('refuses an email after 5 failures for 15 minutes, and lets it in again after', () => {
    let now = 1_000_000;
    const throttle = new LoginThrottle(() => now);
    for (let i = 0; i < 5; i++) {
      expect(throttle.waitFor('a@b.test', '10.0.0.1')).toBe(0);
      throttle.failed('a@b.test', '10.0.0.1');
      now += 1000;
    }
    expect(throttle.waitFor('a@b.test', '10.0.0.1')).toBe(WINDOW_MS - 5000);
    // Another account from the same address is not locked by it.
    expect(throttle.waitFor('c@d.test', '10.0.0.1')).toBe(0);
    now += WINDOW_MS;
    expect(throttle.waitFor('a@b.test', '10.0.0.1')).toBe(0);
  });

  it('limits one address across many emails, and a success clears the email', () => {
    const now = 5_000_000;
    const throttle = new LoginThrottle(() => now);
    for (let i = 0; i < 30; i++) throttle.failed(`user${i}@b.test`, '10.0.0.9');
    expect(throttle.waitFor('new@b.test', '10.0.0.9')).toBeGreaterThan(0);
    expect(throttle.waitFor('new@b.test', '10.0.0.10')).toBe(0);
    for (let i = 0; i < 4; i++) throttle.failed('x@b.test', '10.0.0.11');
    throttle.succeeded('x@b.test');
    throttle.failed('x@b.test', '10.0.0.11');
    expect(throttle.waitFor('x@b.test', '10.0.0.11')).toBe(0);
  });
});
