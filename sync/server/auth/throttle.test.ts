import { describe, expect, it } from 'vitest';
import { DELAY_MAX_MS, delayAfter, LoginThrottle, WINDOW_MS } from './throttle';

const OFFICE = '192.0.2.10';
const ATTACKER = '198.51.100.7';

describe('login throttle: growing delays, never a lockout', () => {
  it('delays grow from 1 s, double, and never exceed a minute', () => {
    expect([2, 3, 4, 5, 6, 7, 8, 9, 50].map((f) => delayAfter(f, 3))).toEqual([
      0, 1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000,
    ]);
  });

  it('a guesser on one account waits longer each time, up to 60 s; the window forgets', () => {
    let now = 1_000_000;
    const throttle = new LoginThrottle(() => now);
    const waits: number[] = [];
    for (let i = 0; i < 12; i++) {
      now += throttle.waitFor('anna@demo.test', ATTACKER);
      waits.push(throttle.waitFor('anna@demo.test', ATTACKER));
      throttle.failed('anna@demo.test', ATTACKER);
    }
    expect(Math.max(...waits)).toBe(0);
    const next = throttle.waitFor('anna@demo.test', ATTACKER);
    expect(next).toBeGreaterThan(0);
    expect(next).toBeLessThanOrEqual(DELAY_MAX_MS);
    now += WINDOW_MS;
    expect(throttle.waitFor('anna@demo.test', ATTACKER)).toBe(0);
  });

  it('one attacker cannot keep an account out: its owner on a known address signs in at once', () => {
    let now = 2_000_000;
    const throttle = new LoginThrottle(() => now);
    throttle.succeeded('anna@demo.test', OFFICE);
    // A guess spread over a hundred addresses.
    for (let i = 0; i < 100; i++) {
      throttle.failed('anna@demo.test', `203.0.113.${i}`);
      now += 100;
    }
    expect(throttle.waitFor('anna@demo.test', OFFICE)).toBe(0);
    // From an address she never used she waits, but at most a minute.
    const elsewhere = throttle.waitFor('anna@demo.test', '203.0.113.250');
    expect(elsewhere).toBeGreaterThan(0);
    expect(elsewhere).toBeLessThanOrEqual(DELAY_MAX_MS);
  });

  it('one attacker cannot keep an office out: colleagues behind the same address still sign in', () => {
    let now = 3_000_000;
    const throttle = new LoginThrottle(() => now);
    throttle.succeeded('bram@demo.test', OFFICE);
    // Credential stuffing from the office's own address (a compromised laptop behind its NAT).
    for (let i = 0; i < 200; i++) {
      throttle.failed(`user${i}@demo.test`, OFFICE);
      now += 10;
    }
    expect(throttle.waitFor('bram@demo.test', OFFICE)).toBe(0);
    expect(throttle.waitFor('newcomer@demo.test', OFFICE)).toBeLessThanOrEqual(DELAY_MAX_MS);
    // A colleague who mistypes delays only themself.
    for (let i = 0; i < 5; i++) throttle.failed('carmen@demo.test', '192.0.2.11');
    expect(throttle.waitFor('carmen@demo.test', '192.0.2.11')).toBeGreaterThan(0);
    expect(throttle.waitFor('daan@demo.test', '192.0.2.11')).toBe(0);
  });

  it('a success clears the account’s failures on that address', () => {
    const now = 4_000_000;
    const throttle = new LoginThrottle(() => now);
    for (let i = 0; i < 3; i++) throttle.failed('x@demo.test', OFFICE);
    expect(throttle.waitFor('x@demo.test', OFFICE)).toBeGreaterThan(0);
    throttle.succeeded('x@demo.test', OFFICE);
    expect(throttle.waitFor('x@demo.test', OFFICE)).toBe(0);
  });
});
