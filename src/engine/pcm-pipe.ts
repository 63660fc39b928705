/**
 * The bounded PCM pipe between the decoder task and the output task (MPD's MusicPipe).
 *
 * It holds at most `capacityFrames` of decoded audio, so memory never depends on the track's
 * length: the producer's push() waits while the pipe is full. A seek or stop calls flush(),
 * which bumps the generation: everything queued is dropped at once and a producer blocked in
 * push() for an older generation is released with `false`, telling it to stop.
 */

/** Decoded audio for one track (planar float32, as decoders produce it). */
export interface PcmPiece {
  readonly type: 'pcm';
  /** The engine's session (one opened track); a track id may repeat, a session never does. */
  readonly sessionId: number;
  /** Frame index in the track of channels[*][0]. */
  readonly frame: number;
  readonly channels: readonly Float32Array[];
}

/** The producer has nothing more: the last track's decoder reached its end. */
export interface EndOfStream {
  readonly type: 'end';
  readonly sessionId: number;
}

export type PipeItem = PcmPiece | EndOfStream;

export class PcmPipe {
  private readonly items: PipeItem[] = [];
  private head = 0;
  private frames = 0;
  /** End markers queued: the producer has nothing more to add before them. */
  private ends = 0;
  private gen = 0;
  private spaceWaiters: (() => void)[] = [];
  private dataWaiters: (() => void)[] = [];
  private dataPromise: Promise<void> | undefined;

  constructor(readonly capacityFrames: number) {}

  get generation(): number {
    return this.gen;
  }

  get queuedFrames(): number {
    return this.frames;
  }

  get isEmpty(): boolean {
    return this.head >= this.items.length;
  }

  /** An end marker is queued: what is in the pipe is all that comes before it. */
  get hasEnd(): boolean {
    return this.ends > 0;
  }

  /**
   * Append `item` for `generation`. Waits while the pipe is full. Resolves false when the
   * generation changed (flush) before or while waiting: the item was dropped, stop producing.
   */
  async push(item: PipeItem, generation: number): Promise<boolean> {
    while (generation === this.gen && this.frames >= this.capacityFrames) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
    if (generation !== this.gen) return false;
    this.items.push(item);
    if (item.type === 'pcm') this.frames += item.channels[0]?.length ?? 0;
    else this.ends++;
    this.wake('data');
    return true;
  }

  /** The next item without removing it, or undefined when empty. */
  peek(): PipeItem | undefined {
    return this.items[this.head];
  }

  /**
   * Remove and return up to `maxFrames` frames of the head PCM piece (splitting it when larger),
   * or the head end marker. Undefined when empty.
   */
  take(maxFrames: number): PipeItem | undefined {
    const item = this.items[this.head];
    if (!item) return undefined;
    if (item.type === 'pcm') {
      const length = item.channels[0]?.length ?? 0;
      if (length > maxFrames) {
        const piece: PcmPiece = { type: 'pcm', sessionId: item.sessionId, frame: item.frame, channels: item.channels.map((c) => c.subarray(0, maxFrames)) };
        this.items[this.head] = { type: 'pcm', sessionId: item.sessionId, frame: item.frame + maxFrames, channels: item.channels.map((c) => c.subarray(maxFrames)) };
        this.frames -= maxFrames;
        this.wakeProducerIfLow();
        return piece;
      }
      this.frames -= length;
    } else {
      this.ends--;
    }
    this.items[this.head] = undefined as unknown as PipeItem;
    this.head++;
    if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    this.wakeProducerIfLow();
    return item;
  }

  /**
   * Hysteresis: the producer is woken only once the pipe has drained to 3/4, then refills in
   * one burst. Waking it after every small take costs a decode call and a promise each time.
   */
  private wakeProducerIfLow(): void {
    if (this.frames <= this.capacityFrames * 0.75) this.wake('space');
  }

  /** Resolves when an item is available or the pipe is flushed. One shared promise while empty,
   * so a consumer that polls with a timeout does not pile up waiters. */
  waitForData(): Promise<void> {
    return this.isEmpty ? this.waitForPush() : Promise.resolve();
  }

  /** Resolves at the next push or flush, even when items are queued (a consumer filling up). */
  waitForPush(): Promise<void> {
    this.dataPromise ??= new Promise<void>((resolve) => this.dataWaiters.push(resolve));
    return this.dataPromise;
  }

  /** Drop everything and start a new generation; returns it. */
  flush(): number {
    this.items.length = 0;
    this.head = 0;
    this.frames = 0;
    this.ends = 0;
    this.gen++;
    this.wake('space');
    this.wake('data');
    return this.gen;
  }

  private wake(which: 'space' | 'data'): void {
    const waiters = which === 'space' ? this.spaceWaiters : this.dataWaiters;
    if (waiters.length === 0) return;
    if (which === 'space') this.spaceWaiters = [];
    else {
      this.dataWaiters = [];
      this.dataPromise = undefined;
    }
    for (const resolve of waiters) resolve();
  }
}
