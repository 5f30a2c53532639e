import { describe, expect, it, vi } from 'vitest';
import { closeQuestion, focusExistingWindow } from './lifecycle';

describe('lifecycle', () => {
  it('a second launch restores and focuses the first window', () => {
    const window = { isMinimized: vi.fn(() => true), restore: vi.fn(), show: vi.fn(), focus: vi.fn() };
    expect(focusExistingWindow(window)).toBe(true);
    expect(window.restore).toHaveBeenCalledOnce();
    expect(window.focus).toHaveBeenCalledOnce();
    const shown = { ...window, isMinimized: vi.fn(() => false), restore: vi.fn() };
    focusExistingWindow(shown);
    expect(shown.restore).not.toHaveBeenCalled();
    expect(focusExistingWindow(null)).toBe(false);
  });

  it('asks before closing only while changes wait, with Cancel as the safe default', () => {
    expect(closeQuestion({ pendingChanges: 0, quitting: false })).toBeNull();
    expect(closeQuestion({ pendingChanges: 3, quitting: true })).toBeNull();
    const question = closeQuestion({ pendingChanges: 3, quitting: false });
    expect(question?.message).toBe('3 changes have not reached the server yet.');
    expect(question?.buttons?.[question.defaultId ?? -1]).toBe('Cancel');
    expect(closeQuestion({ pendingChanges: 1, quitting: false })?.message).toBe(
      '1 change has not reached the server yet.',
    );
  });
});
