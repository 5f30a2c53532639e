/**
 * The window comes back where the user left it: size, position and maximised state,
 * kept in the user data folder — moved onto a screen when that screen is gone (a
 * laptop undocked from its monitor). Runs in: main (pure functions plus one file).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

export type Rect = { x: number; y: number; width: number; height: number };
export type WindowState = Rect & { maximized: boolean };

export const DEFAULT_SIZE = { width: 1200, height: 800 };
export const MIN_SIZE = { width: 760, height: 520 };

const stateSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  maximized: z.boolean(),
});

/**
 * Where to open: the saved bounds when at least a usable part of the window (100 × 50
 * px of its top) lies on one of the displays' work areas, else centred on the first
 * display; never smaller than the minimum nor larger than that display.
 */
export function restoreBounds(
  saved: WindowState | null,
  workAreas: Rect[],
): WindowState | (Rect & { maximized: false }) {
  const primary = workAreas[0] ?? { x: 0, y: 0, ...DEFAULT_SIZE };
  const fit = (size: { width: number; height: number }, area: Rect) => ({
    width: Math.min(Math.max(size.width, MIN_SIZE.width), area.width),
    height: Math.min(Math.max(size.height, MIN_SIZE.height), area.height),
  });
  if (saved) {
    const area = workAreas.find((a) => overlap(saved, a));
    if (area) return { ...saved, ...fit(saved, area) };
  }
  const size = fit(saved ?? DEFAULT_SIZE, primary);
  return {
    x: primary.x + Math.round((primary.width - size.width) / 2),
    y: primary.y + Math.round((primary.height - size.height) / 2),
    ...size,
    maximized: false,
  };
}

/** Whether the top strip of `window` (where its title bar is) is reachable on `area`. */
function overlap(window: Rect, area: Rect): boolean {
  const left = Math.max(window.x, area.x);
  const right = Math.min(window.x + window.width, area.x + area.width);
  const top = Math.max(window.y, area.y);
  const bottom = Math.min(window.y + 50, area.y + area.height);
  return right - left >= 100 && bottom - top >= 50;
}

export function windowStateStore(dir: string) {
  const file = path.join(dir, 'window-state.json');
  return {
    async load(): Promise<WindowState | null> {
      try {
        const parsed = stateSchema.safeParse(JSON.parse(await fs.readFile(file, 'utf8')));
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },
    async save(state: WindowState): Promise<void> {
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(file, JSON.stringify(state));
    },
  };
}
