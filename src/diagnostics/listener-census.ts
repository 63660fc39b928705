import { Emitter } from '../base/event';

/**
 * Counts the listeners on every Emitter reachable from `root` through its own fields (a
 * bounded walk: objects, arrays, Maps and Sets, `maxDepth` levels deep, each object once).
 *
 * Why reflection: a component's emitters are private, and what leaks in a player is usually a
 * subscriber that never unsubscribed from them (a panel, a status bar item). Counting them from
 * outside needs no change to the component and no global hook in Emitter.
 */
export function countEmitterListeners(root: unknown, maxDepth = 4): { emitters: number; listeners: number } {
  const seen = new Set<object>();
  let emitters = 0;
  let listeners = 0;
  const visit = (value: unknown, depth: number): void => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    if (value instanceof Emitter) {
      emitters++;
      listeners += value.listenerCount;
      return;
    }
    if (depth >= maxDepth || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return;
    if (value instanceof Map) {
      for (const item of value.values()) visit(item, depth + 1);
      return;
    }
    if (value instanceof Set || Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    for (const key of Object.keys(value)) visit((value as Record<string, unknown>)[key], depth + 1);
  };
  visit(root, 0);
  return { emitters, listeners };
}
