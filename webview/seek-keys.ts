/** Keyboard seeking on the seek bar (WAI-ARIA slider pattern). Pure, unit-tested. */

export const SMALL_STEP_MS = 5_000;
export const LARGE_STEP_MS = 30_000;

/** The target position for `key`, or undefined when the key does not seek. */
export function seekTargetForKey(key: string, positionMs: number, durationMs: number | undefined): number | undefined {
  const max = durationMs !== undefined && durationMs > 0 ? durationMs : undefined;
  let target: number;
  switch (key) {
    case 'ArrowRight':
    case 'ArrowUp':
      target = positionMs + SMALL_STEP_MS;
      break;
    case 'ArrowLeft':
    case 'ArrowDown':
      target = positionMs - SMALL_STEP_MS;
      break;
    case 'PageUp':
      target = positionMs + LARGE_STEP_MS;
      break;
    case 'PageDown':
      target = positionMs - LARGE_STEP_MS;
      break;
    case 'Home':
      target = 0;
      break;
    case 'End':
      if (max === undefined) return undefined;
      target = max;
      break;
    default:
      return undefined;
  }
  target = Math.max(0, target);
  return max === undefined ? target : Math.min(max, target);
}

/** Position for a pointer at `clientX` over a track spanning [left, left + width]. */
export function positionFromPointer(clientX: number, left: number, width: number, durationMs: number): number {
  if (!(width > 0) || !(durationMs > 0)) return 0;
  const fraction = Math.min(1, Math.max(0, (clientX - left) / width));
  return fraction * durationMs;
}
