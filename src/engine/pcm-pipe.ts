/**
 * The bounded PCM pipe between the decoder task and the output task (MPD's MusicPipe).
 *
 * It holds at most `capacityFrames` of decoded audio, so memory never depends on the track's
 * length: the producer's push() waits while the pipe is full. A seek or stop calls flush(),
 * which bumps the generation: everything queued is dropped at once and a producer blocked in
 * push() for an older generation is released with `false`, telling it to stop.
 *
 * Samples live in recycled blocks (MPD's MusicBuffer): push() copies the decoder's borrowed
 * chunk into a free block of the pipe's own, and a block goes back to the free list once the
 * output task has taken all of it, or a flush dropped it. In steady state nothing is allocated
 * per chunk: no fresh arrays to zero, page in and collect (~350 KB a second of stereo audio).
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

/** A recycled planar block: one view of `capacity` frames per channel over one array. */
interface Block {
  readonly key: number;
  readonly capacity: number;
  readonly channels: Float32Array[];
}

/** Blocks are sized in powers of two from this many frames, so a decoder's chunks (1152 frames
 * of MP3, 4096 of FLAC) keep landing in blocks of one size. */
const MIN_BLOCK_FRAMES = 1024;

function blockKey(capacity: number, channels: number): number {
  return capacity * 256 + channels;
}

/** A queued item and the block its samples are in (none for an end marker). */
interface Queued {
  item: PipeItem;
  block: Block | undefined;
}

export class PcmPipe {
  private readonly items: Queued[] = [];
  private head = 0;
  private frames = 0;
  /** End markers queued: the producer has nothing more to add before them. */
  private ends = 0;
  private gen = 0;
  private spaceWaiters: (() => void)[] = [];
  private dataWaiters: (() => void)[] = [];
  private dataPromise: Promise<void> | undefined;
  /** Free blocks by size and channel count. */
  private readonly free = new Map<number, Block[]>();
  private freeFrames = 0;
  /** The block of the last piece take() returned whole: the caller reads it until its next take(). */
  private lent: Block | undefined;

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
   * A PCM item's arrays are borrowed (a decoder's chunk): the pipe copies them when it accepts
   * the item, so they only have to stay valid until this resolves.
   */
  async push(item: PipeItem, generation: number): Promise<boolean> {
    while (generation === this.gen && this.frames >= this.capacityFrames) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
    if (generation !== this.gen) return false;
    if (item.type === 'pcm') {
      const length = item.channels[0]?.length ?? 0;
      const block = this.allocate(length, item.channels.length);
      const channels: Float32Array[] = [];
      for (let c = 0; c < item.channels.length; c++) {
        const view = (block.channels[c] as Float32Array).subarray(0, length);
        view.set(item.channels[c] as Float32Array);
        channels.push(view);
      }
      this.items.push({ item: { type: 'pcm', sessionId: item.sessionId, frame: item.frame, channels }, block });
      this.frames += length;
    } else {
      this.items.push({ item, block: undefined });
      this.ends++;
    }
    this.wake('data');
    return true;
  }

  /** The next item without removing it, or undefined when empty. */
  peek(): PipeItem | undefined {
    return this.items[this.head]?.item;
  }

  /**
   * Remove and return up to `maxFrames` frames of the head PCM piece (splitting it when larger),
   * or the head end marker. Undefined when empty. A piece's arrays are the pipe's: valid until
   * the next take() or flush(), which may recycle them.
   */
  take(maxFrames: number): PipeItem | undefined {
    this.giveBack();
    const queued = this.items[this.head];
    if (!queued) return undefined;
    const item = queued.item;
    if (item.type === 'pcm') {
      const length = item.channels[0]?.length ?? 0;
      if (length > maxFrames) {
        const piece: PcmPiece = { type: 'pcm', sessionId: item.sessionId, frame: item.frame, channels: item.channels.map((c) => c.subarray(0, maxFrames)) };
        queued.item = { type: 'pcm', sessionId: item.sessionId, frame: item.frame + maxFrames, channels: item.channels.map((c) => c.subarray(maxFrames)) };
        this.frames -= maxFrames;
        this.wakeProducerIfLow();
        return piece;
      }
      this.frames -= length;
      this.lent = queued.block;
    } else {
      this.ends--;
    }
    this.items[this.head] = undefined as unknown as Queued;
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
    this.giveBack();
    for (let i = this.head; i < this.items.length; i++) this.release(this.items[i]?.block);
    this.items.length = 0;
    this.head = 0;
    this.frames = 0;
    this.ends = 0;
    this.gen++;
    this.wake('space');
    this.wake('data');
    return this.gen;
  }

  /** A free block for `frames` × `channels`, recycled when one of that size is free. */
  private allocate(frames: number, channels: number): Block {
    let capacity = MIN_BLOCK_FRAMES;
    while (capacity < frames) capacity *= 2;
    const key = blockKey(capacity, channels);
    const block = this.free.get(key)?.pop();
    if (block) {
      this.freeFrames -= block.capacity;
      return block;
    }
    const data = new Float32Array(capacity * channels);
    const views: Float32Array[] = [];
    for (let c = 0; c < channels; c++) views.push(data.subarray(c * capacity, (c + 1) * capacity));
    return { key, capacity, channels: views };
  }

  /**
   * Back to the free list, which holds at most about a full pipe (more is left to the garbage
   * collector): blocks of a size no longer produced cannot pile up.
   */
  private release(block: Block | undefined): void {
    if (!block || this.freeFrames + block.capacity > this.capacityFrames * 2) return;
    let list = this.free.get(block.key);
    if (!list) this.free.set(block.key, (list = []));
    list.push(block);
    this.freeFrames += block.capacity;
  }

  /** The block lent by the last take() is free again: the caller has moved on. */
  private giveBack(): void {
    const lent = this.lent;
    this.lent = undefined;
    this.release(lent);
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
