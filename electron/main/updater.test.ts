import { describe, expect, it, vi } from 'vitest';
import { mayRestartForUpdate, scheduleUpdateChecks, updateFeed, type Timers } from './updater';

function fakeTimers() {
  const jobs: { fn: () => void; ms: number; repeat: boolean; live: boolean }[] = [];
  const timers: Timers = {
    setTimeout: (fn, ms) => jobs[jobs.push({ fn, ms, repeat: false, live: true }) - 1],
    setInterval: (fn, ms) => jobs[jobs.push({ fn, ms, repeat: true, live: true }) - 1],
    clear: (handle) => {
      (handle as { live: boolean }).live = false;
    },
  };
  return { jobs, timers };
}

describe('updates', () => {
  it('check once shortly after start and then every four hours, and stop when asked', async () => {
    const { jobs, timers } = fakeTimers();
    const check = vi.fn(async () => undefined);
    const stop = scheduleUpdateChecks(check, { timers });
    expect(jobs.map((j) => [j.ms, j.repeat])).toEqual([
      [30_000, false],
      [4 * 60 * 60_000, true],
    ]);
    jobs.forEach((j) => j.fn());
    expect(check).toHaveBeenCalledTimes(2);
    stop();
    expect(jobs.every((j) => !j.live)).toBe(true);
  });

  it('a failing check does not escape (the next one runs as planned)', async () => {
    const { jobs, timers } = fakeTimers();
    const check = vi.fn(async () => Promise.reject(new Error('offline')));
    scheduleUpdateChecks(check, { timers });
    expect(() => jobs[0]?.fn()).not.toThrow();
    await Promise.resolve();
  });

  it('restarts for an update only on request and with nothing waiting to sync', () => {
    expect(mayRestartForUpdate({ updateReady: true, pendingChanges: 0 })).toBe(true);
    expect(mayRestartForUpdate({ updateReady: true, pendingChanges: 2 })).toBe(false);
    expect(mayRestartForUpdate({ updateReady: false, pendingChanges: 0 })).toBe(false);
  });

  it('takes a generic feed from COHORT_UPDATE_URL, https only (http on this machine)', () => {
    expect(updateFeed({})).toBeNull();
    expect(updateFeed({ COHORT_UPDATE_URL: 'https://updates.example/cohort/' })).toEqual({
      provider: 'generic',
      url: 'https://updates.example/cohort/',
    });
    expect(updateFeed({ COHORT_UPDATE_URL: 'http://127.0.0.1:8080/' })?.url).toBe('http://127.0.0.1:8080/');
    expect(() => updateFeed({ COHORT_UPDATE_URL: 'http://evil.example/' })).toThrow('https');
  });
});
