import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchForWake } from './wake';

describe('watchForWake', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('stays quiet while the timer keeps time', () => {
    const onWake = vi.fn();
    const stop = watchForWake(onWake, { intervalMs: 1000 });
    vi.advanceTimersByTime(10_000);
    expect(onWake).not.toHaveBeenCalled();
    stop();
  });

  it('calls back once when a tick comes long after the last (the machine slept)', () => {
    const onWake = vi.fn();
    let clock = 0;
    const stop = watchForWake(onWake, { intervalMs: 1000, now: () => clock });
    clock += 1000;
    vi.advanceTimersByTime(1000);
    // Suspended for an hour: the next tick sees the gap.
    clock += 3_600_000;
    vi.advanceTimersByTime(1000);
    expect(onWake).toHaveBeenCalledTimes(1);
    clock += 1000;
    vi.advanceTimersByTime(1000);
    expect(onWake).toHaveBeenCalledTimes(1);
    stop();
    clock += 3_600_000;
    vi.advanceTimersByTime(5000);
    expect(onWake).toHaveBeenCalledTimes(1);
  });
});
