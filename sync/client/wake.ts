/**
 * Notices that the machine slept: a timer that fires far later than asked for means the
 * process was suspended (a closed laptop lid). The stream's events of that time are
 * lost and its connection may be dead, so the caller syncs at once.
 */
export function watchForWake(
  onWake: () => void,
  { intervalMs = 10_000, now = () => Date.now() }: { intervalMs?: number; now?: () => number } = {},
): () => void {
  let last = now();
  const timer = setInterval(() => {
    const current = now();
    const slept = current - last > intervalMs * 3;
    last = current;
    if (slept) onWake();
  }, intervalMs);
  return () => clearInterval(timer);
}
