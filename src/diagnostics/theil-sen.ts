/**
 * Theil–Sen slope: the median of the slopes between every pair of points. Up to ~29% of the
 * points can be arbitrarily wrong (a GC drop, a spike from a burst of work) without moving it,
 * where a least-squares fit is dragged by every one of them. O(n²) pairs: fine for the few
 * dozen samples of a watchdog window.
 */
export interface Point {
  readonly x: number;
  readonly y: number;
}

export function theilSenSlope(points: readonly Point[]): number | undefined {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    const a = points[i]!;
    for (let j = i + 1; j < points.length; j++) {
      const b = points[j]!;
      if (b.x !== a.x) slopes.push((b.y - a.y) / (b.x - a.x));
    }
  }
  return median(slopes);
}

export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = values.slice().sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
