import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { restoreBounds, windowStateStore } from './windowState';

const laptop = { x: 0, y: 0, width: 1440, height: 875 };
const monitor = { x: 1440, y: 0, width: 2560, height: 1415 };

describe('window state', () => {
  it('opens where it was left, on any display that still exists', () => {
    const saved = { x: 1600, y: 100, width: 1400, height: 900, maximized: true };
    expect(restoreBounds(saved, [laptop, monitor])).toEqual(saved);
  });

  it('comes back onto the laptop screen when the monitor it was on is gone', () => {
    const saved = { x: 1600, y: 100, width: 1400, height: 900, maximized: false };
    const bounds = restoreBounds(saved, [laptop]);
    expect(bounds).toEqual({ x: 20, y: 0, width: 1400, height: 875, maximized: false });
  });

  it('opens centred at the default size the first time, and never below the minimum', () => {
    expect(restoreBounds(null, [laptop])).toEqual({
      x: 120,
      y: 38,
      width: 1200,
      height: 800,
      maximized: false,
    });
    const tiny = restoreBounds({ x: 10, y: 10, width: 100, height: 100, maximized: false }, [laptop]);
    expect(tiny).toMatchObject({ width: 760, height: 520 });
  });

  it('is kept in a file; a damaged file counts as none', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-window-'));
    const store = windowStateStore(dir);
    expect(await store.load()).toBeNull();
    await store.save({ x: 5, y: 6, width: 900, height: 700, maximized: false });
    expect(await store.load()).toEqual({ x: 5, y: 6, width: 900, height: 700, maximized: false });
    fs.writeFileSync(path.join(dir, 'window-state.json'), '{"x": "left"');
    expect(await store.load()).toBeNull();
  });
});
