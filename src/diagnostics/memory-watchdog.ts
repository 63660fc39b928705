import { Disposable, IDisposable, MutableDisposable, toDisposable } from '../base/lifecycle';
import { Point, theilSenSlope } from './theil-sen';

/**
 * Watches the process's memory for sustained growth: the regression model of the leak-hunting
 * write-ups Playhead's design starts from, made robust to the garbage collector.
 *
 * Every `sampleIntervalMs` it reads memoryUsage(); over the last `windowMs` it estimates the
 * growth rate per metric with Theil–Sen (median of pairwise slopes), which a GC drop or a spike
 * cannot drag the way it drags least squares. But a sawtooth with few, long teeth in the window
 * still tilts any slope, so growth must also show in the floor: the lowest value of the window's
 * second half must have risen over the lowest of its first half (garbage is collected back down
 * to the floor, a leak lifts the floor). This holds as long as the process collects garbage at
 * least once per half window (1 minute by default). Both must hold for a full window after the
 * warm-up; then `onGrowth` is called once, and not again until every metric is calm (slope
 * under half the threshold and the floor risen less than half the minimum: hysteresis, so a rate
 * hovering at the threshold does not nag).
 */

export type MemoryMetric = 'heapUsed' | 'rss' | 'external' | 'arrayBuffers';

export interface MemoryReading {
  readonly heapUsed: number;
  readonly rss: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

export interface MemorySample extends MemoryReading {
  /** Milliseconds on the watchdog's clock. */
  readonly at: number;
}

export interface MetricAssessment {
  readonly metric: MemoryMetric;
  /** Theil–Sen growth rate over the window, bytes per minute. */
  readonly bytesPerMinute: number;
  /** Lowest value of the window's second half minus the lowest of its first half. */
  readonly floorRiseBytes: number;
  /** Growing: both the slope and the floor rise are over their thresholds. */
  readonly growing: boolean;
  /** Calm: the slope and the floor rise are both under half their thresholds (clears an alarm). */
  readonly calm: boolean;
}

export interface GrowthReport {
  readonly at: number;
  readonly windowMs: number;
  readonly samples: number;
  readonly thresholdBytesPerMinute: number;
  /** The metrics that grew (at least one). */
  readonly growing: readonly MetricAssessment[];
  readonly all: readonly MetricAssessment[];
  readonly latest: MemorySample;
}

export interface MemoryWatchdogOptions {
  readonly onGrowth: (report: GrowthReport) => void;
  /** Called once when a raised alarm clears. */
  readonly onRecover?: (report: GrowthReport) => void;
  /** Default 512 KiB/min: a leak of 1 MB/min is caught with a 2× margin. */
  readonly thresholdBytesPerMinute?: number;
  /** Default 2 minutes. */
  readonly windowMs?: number;
  /** Samples taken before this much time since start() are ignored (start-up allocations). Default 30 s. */
  readonly warmupMs?: number;
  /** Default 5 s. */
  readonly sampleIntervalMs?: number;
  /**
   * Default heapUsed and external (which includes arrayBuffers): what JavaScript holds. RSS also
   * moves with the allocator and, in the shared extension host, with other extensions.
   */
  readonly metrics?: readonly MemoryMetric[];
  readonly now?: () => number;
  readonly read?: () => MemoryReading;
  readonly setInterval?: (fn: () => void, ms: number) => IDisposable;
}

export const defaultGrowthThresholdBytesPerMinute = 512 * 1024;

function readProcessMemory(): MemoryReading {
  const { heapUsed, rss, external, arrayBuffers } = process.memoryUsage();
  return { heapUsed, rss, external, arrayBuffers };
}

function realInterval(fn: () => void, ms: number): IDisposable {
  const handle = setInterval(fn, ms);
  // A watchdog must never be what keeps a process (the CLI, a test run) alive.
  handle.unref?.();
  return toDisposable(() => clearInterval(handle));
}

export class MemoryWatchdog extends Disposable {
  readonly thresholdBytesPerMinute: number;
  readonly windowMs: number;
  readonly warmupMs: number;
  readonly sampleIntervalMs: number;
  readonly metrics: readonly MemoryMetric[];
  private readonly now: () => number;
  private readonly read: () => MemoryReading;
  private readonly setTimer: (fn: () => void, ms: number) => IDisposable;
  private readonly timer = this._register(new MutableDisposable<IDisposable>());
  private readonly window: MemorySample[] = [];
  private startedAt: number | undefined;
  private alarmed = false;
  private last: { readonly assessments: readonly MetricAssessment[]; readonly at: number } | undefined;

  constructor(private readonly options: MemoryWatchdogOptions) {
    super();
    this.thresholdBytesPerMinute = options.thresholdBytesPerMinute ?? defaultGrowthThresholdBytesPerMinute;
    this.windowMs = options.windowMs ?? 120_000;
    this.warmupMs = options.warmupMs ?? 30_000;
    this.sampleIntervalMs = options.sampleIntervalMs ?? 5_000;
    this.metrics = options.metrics ?? ['heapUsed', 'external'];
    this.now = options.now ?? (() => performance.now());
    this.read = options.read ?? readProcessMemory;
    this.setTimer = options.setInterval ?? realInterval;
  }

  get running(): boolean {
    return this.timer.value !== undefined;
  }

  /** True between a growth warning and its recovery. */
  get isAlarmed(): boolean {
    return this.alarmed;
  }

  /** The newest sample, or undefined before the first one. */
  get latest(): MemorySample | undefined {
    return this.window[this.window.length - 1];
  }

  /** The last full-window assessment (undefined until a window has filled). */
  get lastAssessment(): { readonly assessments: readonly MetricAssessment[]; readonly at: number } | undefined {
    return this.last;
  }

  /** Starts sampling on its own timer (idempotent). Tests may instead call sample() by hand. */
  start(): void {
    if (this.isDisposed || this.running) return;
    this.reset();
    this.timer.value = this.setTimer(() => this.sample(), this.sampleIntervalMs);
    this.sample();
  }

  /** Stops sampling and forgets the window (a later start() warms up again). */
  stop(): void {
    this.timer.clear();
    this.reset();
  }

  /** Takes one sample now and judges the window. */
  sample(): void {
    if (this.isDisposed) return;
    const at = this.now();
    this.startedAt ??= at;
    const sample: MemorySample = { ...this.read(), at };
    if (at - this.startedAt < this.warmupMs) {
      // Still warming up: keep only the newest sample, for the diagnostics view.
      this.window.length = 0;
      this.window.push(sample);
      return;
    }
    if (this.window.length > 0 && this.window[0]!.at - this.startedAt < this.warmupMs) this.window.length = 0;
    this.window.push(sample);
    while (this.window.length > 0 && this.window[0]!.at < at - this.windowMs) this.window.shift();
    this.judge(at);
  }

  private reset(): void {
    this.window.length = 0;
    this.startedAt = undefined;
    this.alarmed = false;
    this.last = undefined;
  }

  private judge(at: number): void {
    const first = this.window[0]!;
    const latest = this.window[this.window.length - 1]!;
    // A window counts as full once it spans windowMs within half a sampling step.
    if (latest.at - first.at < this.windowMs - this.sampleIntervalMs / 2 || this.window.length < 6) return;
    const assessments = this.metrics.map((metric) => this.assess(metric));
    this.last = { assessments, at };
    const growing = assessments.filter((a) => a.growing);
    const report: GrowthReport = {
      at,
      windowMs: this.windowMs,
      samples: this.window.length,
      thresholdBytesPerMinute: this.thresholdBytesPerMinute,
      growing,
      all: assessments,
      latest,
    };
    if (!this.alarmed && growing.length > 0) {
      this.alarmed = true;
      this.options.onGrowth(report);
    } else if (this.alarmed && assessments.every((a) => a.calm)) {
      this.alarmed = false;
      this.options.onRecover?.(report);
    }
  }

  private assess(metric: MemoryMetric): MetricAssessment {
    const points: Point[] = this.window.map((s) => ({ x: s.at / 60_000, y: s[metric] }));
    const bytesPerMinute = theilSenSlope(points) ?? 0;
    const half = Math.max(1, Math.floor(points.length / 2));
    const floor = (slice: Point[]) => Math.min(...slice.map((p) => p.y));
    const floorRiseBytes = floor(points.slice(-half)) - floor(points.slice(0, half));
    // What the threshold rate adds between the middles of the two halves.
    const halfSpanMinutes = (points[points.length - 1]!.x - points[0]!.x) / 2;
    const minimumRise = this.thresholdBytesPerMinute * halfSpanMinutes;
    return {
      metric,
      bytesPerMinute,
      floorRiseBytes,
      growing: bytesPerMinute >= this.thresholdBytesPerMinute && floorRiseBytes >= minimumRise,
      calm: bytesPerMinute < this.thresholdBytesPerMinute / 2 && floorRiseBytes < minimumRise / 2,
    };
  }
}
