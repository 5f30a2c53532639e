import { describe, expect, it } from 'vitest';
import { BACKOFF_MAX_MS, backoffDelay } from './backoff';

describe('backoff', () => {
  it('doubles its ceiling per attempt, with jitter in the upper half, up to a minute', () => {
    expect(backoffDelay(0, () => 0)).toBe(500);
    expect(backoffDelay(0, () => 1)).toBe(1000);
    expect(backoffDelay(3, () => 1)).toBe(8000);
    expect(backoffDelay(3, () => 0)).toBe(4000);
    expect(backoffDelay(50, () => 1)).toBe(BACKOFF_MAX_MS);
    const samples = new Set(Array.from({ length: 20 }, () => backoffDelay(4)));
    expect(samples.size).toBeGreaterThan(1);
  });
});
