import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Decides, file by file, whether a scan reads tags with synchronous file calls, and keeps
 * synchronous work from holding the event loop.
 *
 * Why: a tag read is open, one or two positional reads and close. Through libuv's thread pool
 * each call is a round trip (queue, wake a worker, wake the loop, settle a promise); for a file
 * in the page cache those round trips cost more main-thread and total CPU than the reads
 * themselves (measured on the 2,000-file library bench: about 40% of a cold scan's CPU).
 * Synchronous calls on a file in memory take a few microseconds each. On a slow disk or a
 * network share they would block the extension host instead, so:
 *
 * - the pacer keeps the total synchronous time of the last few files and stops using
 *   synchronous calls when their median is over `slowFileMs` (one slow file, e.g. the thread
 *   preempted on a busy machine, does not count; a folder that is not in memory does);
 * - while stopped, every `probeEvery`-th file is still read synchronously, so a scan that
 *   reaches files in memory again (or a disk that only hiccupped) goes back to fast reads;
 * - `pace()` makes the caller wait for a turn of the event loop once synchronous work has run
 *   for `sliceMs` since the last turn, so other work (UI messages, cancellation) is served.
 */
export interface ReadPacerOptions {
  /** Median total synchronous time per file above which reads go asynchronous. Default 0.5 ms. */
  readonly slowFileMs?: number;
  /** Files remembered for the median. Default 9. */
  readonly window?: number;
  /** While asynchronous, every n-th file is read synchronously to see if that is fast again. Default 32. */
  readonly probeEvery?: number;
  /** Longest stretch of work between turns of the event loop. Default 10 ms. */
  readonly sliceMs?: number;
  /** Never read synchronously (e.g. the file system is known to be remote). */
  readonly asyncOnly?: boolean;
}

export class ReadPacer {
  private readonly slowFileMs: number;
  private readonly window: number;
  private readonly probeEvery: number;
  private readonly sliceMs: number;
  private readonly recent: number[] = [];
  private syncIsFast: boolean;
  private sinceProbe = 0;
  private sliceStarted = performance.now();
  private turn: Promise<void> | undefined;

  constructor(private readonly options: ReadPacerOptions = {}) {
    this.slowFileMs = options.slowFileMs ?? 0.5;
    this.window = Math.max(1, options.window ?? 9);
    this.probeEvery = Math.max(1, options.probeEvery ?? 32);
    this.sliceMs = options.sliceMs ?? 10;
    this.syncIsFast = !options.asyncOnly;
  }

  /** Should the next file be read with synchronous calls? (Counts as one file.) */
  useSync(): boolean {
    if (this.options.asyncOnly) return false;
    if (this.syncIsFast) return true;
    if (++this.sinceProbe < this.probeEvery) return false;
    this.sinceProbe = 0;
    return true;
  }

  /** True while synchronous reads are in use (not counting probes). */
  get synchronous(): boolean {
    return this.syncIsFast;
  }

  /** Report the total time one file's synchronous open, reads and close took. */
  recordSync(ms: number): void {
    this.recent.push(ms);
    if (this.recent.length > this.window) this.recent.shift();
    const sorted = [...this.recent].sort((a, b) => a - b);
    this.syncIsFast = sorted[Math.floor(sorted.length / 2)]! <= this.slowFileMs;
  }

  /**
   * Undefined when the caller may go on, else a promise that settles on the next turn of the
   * event loop (one shared by every caller that asks in the meantime).
   */
  pace(): Promise<void> | undefined {
    if (this.turn) return this.turn;
    if (performance.now() - this.sliceStarted < this.sliceMs) return undefined;
    this.turn = nextTurn().then(() => {
      this.turn = undefined;
      this.sliceStarted = performance.now();
    });
    return this.turn;
  }
}
