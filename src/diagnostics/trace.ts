/**
 * A bounded ring buffer of trace events, exported in the Chrome Trace Event Format that
 * Perfetto and chrome://tracing open. Recording is cheap (one object into a preallocated
 * array; the oldest is overwritten when full), so it can stay on in production and be exported
 * when someone reports a problem.
 *
 * Lanes: `pid` is the process (host or engine), `tid` a track within it (player state,
 * commands, engine IPC...). Lane names are emitted as 'M' metadata events on export.
 */

export type TracePhase = 'X' | 'i' | 'C' | 'M';

export interface TraceEvent {
  readonly name: string;
  readonly cat: string;
  readonly ph: TracePhase;
  /** Microseconds. */
  readonly ts: number;
  /** Microseconds, 'X' only. */
  readonly dur?: number;
  readonly pid: number;
  readonly tid: number;
  /** Instant scope ('t' thread, 'p' process, 'g' global), 'i' only. */
  readonly s?: 't' | 'p' | 'g';
  readonly args?: Readonly<Record<string, unknown>>;
}

export interface ChromeTrace {
  readonly traceEvents: TraceEvent[];
  readonly displayTimeUnit: 'ms';
  readonly otherData?: Readonly<Record<string, unknown>>;
}

export interface TraceLane {
  readonly pid: number;
  readonly tid: number;
}

/** A span started with `begin`; `end` records it as one complete ('X') event. */
export interface TraceSpan {
  end(args?: Record<string, unknown>): void;
}

export interface TraceOptions {
  /** Events kept; the oldest are dropped first. Default 20,000 (a few MB at most). */
  readonly capacity?: number;
  /** Microsecond clock. Default: performance.timeOrigin + performance.now(), i.e. epoch µs. */
  readonly clockMicros?: () => number;
}

export class Trace {
  readonly capacity: number;
  private readonly clock: () => number;
  private readonly ring: (TraceEvent | undefined)[];
  private next = 0;
  private size = 0;
  private droppedCount = 0;
  private readonly processNames = new Map<number, string>();
  private readonly laneNames = new Map<string, { lane: TraceLane; name: string }>();

  constructor(options: TraceOptions = {}) {
    this.capacity = Math.max(1, Math.floor(options.capacity ?? 20_000));
    this.clock = options.clockMicros ?? (() => Math.round((performance.timeOrigin + performance.now()) * 1000));
    this.ring = new Array<TraceEvent | undefined>(this.capacity);
  }

  /** Events recorded but overwritten since (the buffer was full). */
  get dropped(): number {
    return this.droppedCount;
  }

  get length(): number {
    return this.size;
  }

  nowMicros(): number {
    return this.clock();
  }

  /** Names a process lane (shown as the process's title in the viewers). */
  nameProcess(pid: number, name: string): void {
    this.processNames.set(pid, name);
  }

  /** Declares a lane with its name; returns it for use with the recording methods. */
  lane(pid: number, tid: number, name: string): TraceLane {
    const lane = { pid, tid };
    this.laneNames.set(`${pid}:${tid}`, { lane, name });
    return lane;
  }

  instant(lane: TraceLane, name: string, cat: string, args?: Record<string, unknown>): void {
    this.push({ name, cat, ph: 'i', s: 't', ts: this.clock(), pid: lane.pid, tid: lane.tid, ...(args ? { args } : {}) });
  }

  /** A duration already measured (e.g. from a report that arrived afterwards). */
  complete(lane: TraceLane, name: string, cat: string, startMicros: number, durationMicros: number, args?: Record<string, unknown>): void {
    this.push({ name, cat, ph: 'X', ts: startMicros, dur: Math.max(0, durationMicros), pid: lane.pid, tid: lane.tid, ...(args ? { args } : {}) });
  }

  begin(lane: TraceLane, name: string, cat: string, args?: Record<string, unknown>): TraceSpan {
    const start = this.clock();
    let ended = false;
    return {
      end: (endArgs) => {
        if (ended) return;
        ended = true;
        const merged = args || endArgs ? { ...args, ...endArgs } : undefined;
        this.complete(lane, name, cat, start, this.clock() - start, merged);
      },
    };
  }

  /** A counter sample (ph 'C'): each key becomes a series in the viewer. */
  counter(lane: TraceLane, name: string, values: Record<string, number>): void {
    this.push({ name, cat: 'counter', ph: 'C', ts: this.clock(), pid: lane.pid, tid: lane.tid, args: values });
  }

  /** The recorded events, oldest first (without metadata). */
  events(): TraceEvent[] {
    const out: TraceEvent[] = [];
    const start = this.size < this.capacity ? 0 : this.next;
    for (let i = 0; i < this.size; i++) out.push(this.ring[(start + i) % this.capacity]!);
    return out;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.next = 0;
    this.size = 0;
    this.droppedCount = 0;
  }

  /** The whole buffer as a Chrome trace: metadata (lane names) first, then events in time order. */
  toChromeTrace(otherData?: Record<string, unknown>): ChromeTrace {
    const metadata: TraceEvent[] = [];
    for (const [pid, name] of this.processNames) {
      metadata.push({ name: 'process_name', cat: '__metadata', ph: 'M', ts: 0, pid, tid: 0, args: { name } });
    }
    for (const { lane, name } of this.laneNames.values()) {
      metadata.push({ name: 'thread_name', cat: '__metadata', ph: 'M', ts: 0, pid: lane.pid, tid: lane.tid, args: { name } });
    }
    // Stable sort: spans are recorded when they end, so they may come after later instants.
    const events = this.events().sort((a, b) => a.ts - b.ts);
    return {
      traceEvents: [...metadata, ...events],
      displayTimeUnit: 'ms',
      otherData: { dropped: this.droppedCount, capacity: this.capacity, ...otherData },
    };
  }

  private push(event: TraceEvent): void {
    if (this.size === this.capacity) this.droppedCount++;
    else this.size++;
    this.ring[this.next] = event;
    this.next = (this.next + 1) % this.capacity;
  }
}

/**
 * Checks one event against the Trace Event Format's required fields; returns the problems
 * (empty when valid). Used by the tests and before an export is written.
 */
export function traceEventProblems(event: unknown): string[] {
  const problems: string[] = [];
  if (typeof event !== 'object' || event === null) return ['not an object'];
  const e = event as Record<string, unknown>;
  if (typeof e.name !== 'string' || e.name === '') problems.push('name must be a non-empty string');
  if (typeof e.ph !== 'string' || !['X', 'i', 'I', 'C', 'M', 'B', 'E'].includes(e.ph)) problems.push(`unknown ph ${String(e.ph)}`);
  if (typeof e.ts !== 'number' || !Number.isFinite(e.ts) || e.ts < 0) problems.push('ts must be a finite number ≥ 0 (µs)');
  if (!Number.isInteger(e.pid)) problems.push('pid must be an integer');
  if (!Number.isInteger(e.tid)) problems.push('tid must be an integer');
  if (e.cat !== undefined && typeof e.cat !== 'string') problems.push('cat must be a string');
  if (e.args !== undefined && (typeof e.args !== 'object' || e.args === null || Array.isArray(e.args))) problems.push('args must be an object');
  if (e.ph === 'X' && (typeof e.dur !== 'number' || !Number.isFinite(e.dur) || e.dur < 0)) problems.push("'X' needs dur ≥ 0");
  if ((e.ph === 'i' || e.ph === 'I') && e.s !== undefined && !['t', 'p', 'g'].includes(e.s as string)) problems.push("'i' scope must be t, p or g");
  if (e.ph === 'C') {
    const args = e.args as Record<string, unknown> | undefined;
    if (!args || Object.values(args).some((v) => typeof v !== 'number' || !Number.isFinite(v))) problems.push("'C' needs numeric args");
  }
  if (e.ph === 'M') {
    if (!['process_name', 'thread_name', 'process_sort_index', 'thread_sort_index', 'process_labels'].includes(e.name as string)) problems.push(`unknown metadata ${String(e.name)}`);
    if (typeof (e.args as Record<string, unknown> | undefined)?.name !== 'string' && e.name !== 'process_sort_index' && e.name !== 'thread_sort_index') problems.push("'M' needs args.name");
  }
  return problems;
}

/** Validates a whole trace document; returns `index: problem` lines (empty when valid). */
export function chromeTraceProblems(trace: unknown): string[] {
  if (typeof trace !== 'object' || trace === null) return ['not an object'];
  const t = trace as Record<string, unknown>;
  if (!Array.isArray(t.traceEvents)) return ['traceEvents must be an array'];
  const problems: string[] = [];
  if (t.displayTimeUnit !== undefined && t.displayTimeUnit !== 'ms' && t.displayTimeUnit !== 'ns') problems.push('displayTimeUnit must be ms or ns');
  t.traceEvents.forEach((event, index) => {
    for (const problem of traceEventProblems(event)) problems.push(`${index}: ${problem}`);
  });
  return problems;
}
