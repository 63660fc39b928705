/**
 * The bench contract (see bench/run.mjs): one `BENCH {json}` line per figure on stdout,
 * progress for people on stderr.
 */
export interface BenchFigure {
  readonly group: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: string;
  readonly ratio?: number;
  readonly ok?: boolean;
  readonly note?: string;
}

export function reportFigure(figure: BenchFigure): void {
  process.stdout.write(`BENCH ${JSON.stringify(figure)}\n`);
}

export function progress(message: string): void {
  process.stderr.write(`  ${message}\n`);
}

/** Round to a few significant digits so figures stay readable. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const scale = 10 ** Math.max(0, digits - Math.ceil(Math.log10(Math.abs(value))));
  return Math.round(value * scale) / scale;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Samples memory every `intervalMs` until stopped; reports peaks. */
export function sampleMemory(intervalMs = 20): { stop(): { peakRss: number; peakHeapUsed: number } } {
  let peakRss = 0;
  let peakHeapUsed = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeapUsed = Math.max(peakHeapUsed, m.heapUsed);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakRss, peakHeapUsed };
    },
  };
}
