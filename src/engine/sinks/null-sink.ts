import { AudioSink, PcmFormat, framesOf } from './sink';

/**
 * Discards audio at real-time speed, like a device with a small buffer would. For headless
 * use, the CLI without speakers, and tests. Its clock stops when it runs dry (as a device's
 * does) and restarts with the next write.
 */
export class NullSink implements AudioSink {
  readonly name = 'null';
  readonly needsContinuousFeed = false;
  readonly discardsAudio = true;
  readonly writeFrames: number;
  private written = 0;
  /** performance.now() at which frame `anchorFrame` was (virtually) played. */
  private anchorTime = 0;
  private anchorFrame = 0;
  private running = false;
  private closed = false;
  private pendingTimer: NodeJS.Timeout | undefined;
  private pendingResolve: (() => void) | undefined;

  /** A write resolves once this much is ahead of the virtual playhead at most: room for the next one. */
  private readonly resolveAheadFrames: number;

  constructor(
    readonly format: PcmFormat,
    /** How far ahead of the virtual playhead writes may run (the device's buffer). */
    bufferFrames = Math.round(format.sampleRate * 0.15),
  ) {
    // Nothing to keep fed, so few large writes: 100 ms each (every wake-up costs CPU). Between
    // 50 and 150 ms are ahead of the playhead, so pause and seek are heard as soon as before
    // (100-150 ms with 50 ms writes), and the CPU wakes half as often.
    this.writeFrames = Math.max(256, Math.min(Math.round(format.sampleRate / 10), Math.floor(bufferFrames / 1.5)));
    this.resolveAheadFrames = bufferFrames - this.writeFrames;
  }


  get writtenFrames(): number {
    return this.written;
  }

  consumedFrames(): number {
    if (!this.running) return this.written;
    const played = this.anchorFrame + ((performance.now() - this.anchorTime) * this.format.sampleRate) / 1000;
    if (played >= this.written) {
      // Ran dry: the clock stops here and restarts with the next write.
      this.running = false;
      return this.written;
    }
    return Math.floor(played);
  }

  async write(pcm: Buffer): Promise<void> {
    if (this.closed) return;
    const consumed = this.consumedFrames();
    this.written += framesOf(pcm.length, this.format.channels);
    if (!this.running) {
      // A device that ran dry has room for a whole write: it takes it without waiting.
      this.running = true;
      this.anchorTime = performance.now();
      this.anchorFrame = consumed;
      return;
    }
    const ahead = this.written - this.consumedFrames();
    if (ahead <= this.resolveAheadFrames) return;
    const waitMs = ((ahead - this.resolveAheadFrames) * 1000) / this.format.sampleRate;
    await new Promise<void>((resolve) => {
      this.pendingResolve = resolve;
      this.pendingTimer = setTimeout(() => {
        this.pendingTimer = undefined;
        this.pendingResolve = undefined;
        resolve();
      }, waitMs);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pendingTimer) clearTimeout(this.pendingTimer);
    this.pendingTimer = undefined;
    this.pendingResolve?.();
    this.pendingResolve = undefined;
  }
}
