/**
 * The bytes of a network source held in memory: one contiguous window [start, end) that the
 * download appends to and the decoder reads from. Reads may wait for bytes not yet here.
 * The window keeps `keepBehind` bytes before the decoder's position (decoders re-read a
 * little: an MP3 frame index scans ahead, then frames are read behind it) and asks for more
 * only while less than `readAhead` bytes lie ahead, so memory stays bounded.
 */
export interface WindowLimits {
  readonly readAhead: number;
  readonly keepBehind: number;
}

interface Waiter {
  readonly until: number;
  readonly wake: () => void;
}

export class ReadAheadWindow {
  private chunks: Buffer[] = [];
  private _start = 0;
  private length = 0;
  private _ended = false;
  private _error: Error | undefined;
  /** Where the decoder last read: the reference point for read-ahead and trimming. */
  private position = 0;
  private waiters: Waiter[] = [];

  constructor(private readonly limits: WindowLimits) {}

  get start(): number {
    return this._start;
  }
  get end(): number {
    return this._start + this.length;
  }
  get ended(): boolean {
    return this._ended;
  }
  get error(): Error | undefined {
    return this._error;
  }
  /** Bytes buffered ahead of the decoder's position. */
  get ahead(): number {
    return Math.max(0, this.end - this.position);
  }

  /** True while the download should keep going (the reader is not far enough ahead, or someone waits). */
  get wantsMore(): boolean {
    if (this._ended || this._error) return false;
    const wanted = Math.max(this.position + this.limits.readAhead, ...this.waiters.map((w) => w.until));
    return this.end < wanted;
  }

  /** Drop everything and continue from `offset` (a seek outside the window). */
  reset(offset: number): void {
    this.chunks = [];
    this._start = offset;
    this.length = 0;
    this._ended = false;
    this._error = undefined;
    this.position = offset;
  }

  append(chunk: Buffer): void {
    if (chunk.length === 0 || this._ended) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
    this.trim();
    this.wake();
  }

  /** The source has no bytes past `end`. */
  finish(): void {
    this._ended = true;
    this.wake();
  }

  /** Waiting reads fail with `error` (until the next reset). */
  fail(error: Error): void {
    this._error ??= error;
    this.wake();
  }

  /** Record the decoder's position (moves the read-ahead target and what may be trimmed). */
  setPosition(offset: number): void {
    this.position = offset;
    this.trim();
  }

  has(offset: number, length: number): boolean {
    return offset >= this._start && (offset + length <= this.end || this._ended);
  }

  /** Resolves when [offset, offset+length) is here, the source ended, or it failed. */
  waitFor(offset: number, length: number): Promise<void> {
    if (this.has(offset, length) || this._error) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ until: offset + length, wake: resolve }));
  }

  /** A fresh copy of [offset, offset+length) clipped to the window (decoders keep the buffers). */
  copy(offset: number, length: number): Buffer {
    const from = Math.max(offset, this._start);
    const to = Math.min(offset + length, this.end);
    const out = Buffer.alloc(Math.max(0, to - from));
    let chunkStart = this._start;
    for (const chunk of this.chunks) {
      const chunkEnd = chunkStart + chunk.length;
      if (chunkEnd > from && chunkStart < to) {
        const a = Math.max(from, chunkStart);
        const b = Math.min(to, chunkEnd);
        chunk.copy(out, a - from, a - chunkStart, b - chunkStart);
      }
      if (chunkEnd >= to) break;
      chunkStart = chunkEnd;
    }
    return out;
  }

  private trim(): void {
    const keepFrom = this.position - this.limits.keepBehind;
    while (this.chunks.length > 1 && this._start + this.chunks[0]!.length <= keepFrom) {
      const dropped = this.chunks.shift()!;
      this._start += dropped.length;
      this.length -= dropped.length;
    }
  }

  private wake(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const waiter of waiting) {
      if (this._error || this._ended || this.end >= waiter.until) waiter.wake();
      else this.waiters.push(waiter);
    }
  }

  /** Wake every waiter (they re-check; used on dispose and resets). */
  wakeAll(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const waiter of waiting) waiter.wake();
  }
}
