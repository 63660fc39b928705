/**
 * Decode and output timings of the engine, for the host's trace, kept cheap and bounded: the
 * engine does not send an event per decoder read or sink write (hundreds a second) but groups
 * consecutive calls into spans. A span closes when its calls stop coming back to back (the
 * decoder filled the pipe and waits), when the stats tick comes (so spans last at most about a
 * second), or when the engine flushes (seek, load). At most `maxSpans` wait for the next tick;
 * what does not fit is counted as dropped.
 */

export type TimingKind = 'decode' | 'output';

export interface TimingSpan {
  readonly kind: TimingKind;
  /** Epoch milliseconds (performance.timeOrigin + performance.now()) of the first call's start. */
  readonly startMs: number;
  /** From the first call's start to the last call's end. */
  readonly durationMs: number;
  /** Decoder reads or sink writes in the span. */
  readonly calls: number;
  /** Audio frames they decoded or wrote, at `sampleRate`. */
  readonly frames: number;
  readonly sampleRate: number;
  /** Time spent inside the calls (≤ durationMs). */
  readonly busyMs: number;
}

export interface EngineTimings {
  readonly spans: readonly TimingSpan[];
  /** Spans left out since the last batch (more than fit between two ticks). */
  readonly dropped: number;
}

interface OpenSpan {
  start: number;
  end: number;
  calls: number;
  frames: number;
  sampleRate: number;
  busyMs: number;
}

/** Groups timed calls of one kind into spans and hands them to a TimingsOutbox. */
export class SpanBatcher {
  private open: OpenSpan | undefined;

  /**
   * @param gapMs a call starting more than this after the previous one ended starts a new span.
   */
  constructor(
    private readonly kind: TimingKind,
    private readonly outbox: TimingsOutbox,
    private readonly gapMs: number,
  ) {}

  /** One call from `start` to `end` (performance.now() ms) that handled `frames` at `sampleRate`. */
  add(start: number, end: number, frames: number, sampleRate: number): void {
    const open = this.open;
    if (open && (start - open.end > this.gapMs || open.sampleRate !== sampleRate)) this.close();
    if (!this.open) this.open = { start, end, calls: 0, frames: 0, sampleRate, busyMs: 0 };
    const span = this.open;
    span.end = end;
    span.calls++;
    span.frames += frames;
    span.busyMs += end - start;
  }

  /** Ends the open span, if any. */
  close(): void {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    this.outbox.push({
      kind: this.kind,
      startMs: performance.timeOrigin + open.start,
      durationMs: open.end - open.start,
      calls: open.calls,
      frames: open.frames,
      sampleRate: open.sampleRate,
      busyMs: open.busyMs,
    });
  }
}

/** The spans waiting for the next tick, at most `maxSpans` of them. */
export class TimingsOutbox {
  private spans: TimingSpan[] = [];
  private dropped = 0;

  constructor(private readonly maxSpans: number) {}

  push(span: TimingSpan): void {
    if (this.spans.length < this.maxSpans) this.spans.push(span);
    else this.dropped++;
  }

  /** What waited since the last take, or undefined when nothing did. */
  take(): EngineTimings | undefined {
    if (this.spans.length === 0 && this.dropped === 0) return undefined;
    const batch = { spans: this.spans, dropped: this.dropped };
    this.spans = [];
    this.dropped = 0;
    return batch;
  }
}

/** Frames per second of wall time spent in the calls, in multiples of real time. */
export function realTimeFactor(frames: number, sampleRate: number, busyMs: number): number | undefined {
  return busyMs > 0 && sampleRate > 0 ? frames / sampleRate / (busyMs / 1000) : undefined;
}
