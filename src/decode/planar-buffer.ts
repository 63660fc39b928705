/**
 * A decoder's reused planar output. Chunks are borrowed (types.ts): valid until the decoder's
 * next call, so one set of arrays serves every decode step and decoding allocates nothing per
 * step. Fresh arrays per step cost more than their copy: each one is zeroed and its pages
 * faulted in anew (measured: 10-50 % of a whole decode, and peak memory that grew with the
 * file's length).
 *
 * Two ways to fill it: take(n) hands out `n` frames at once, for codecs that decode a step
 * into place; reserve() + `frames` appends unit by unit, for codecs whose output per unit is
 * only known after the unit (AAC). The decoder pushes views of it to its PcmQueue and refills
 * it only when the queue is empty.
 */
export class PlanarBuffer {
  channels: Float32Array[];
  /** Frames filled, from the start of each channel. */
  frames = 0;

  constructor(channels: number, capacity = 0) {
    this.channels = Array.from({ length: channels }, () => new Float32Array(capacity));
  }

  /**
   * `frames` frames from the start, as views (the arrays grow when too small). Whatever an
   * earlier step left in them is still there: the caller overwrites or clears what it uses.
   */
  take(frames: number): Float32Array[] {
    this.frames = 0;
    this.reserve(frames);
    this.frames = frames;
    return this.filled();
  }

  /** Room for `more` frames after the `frames` filled, which are kept (grows by doubling). */
  reserve(more: number): void {
    const need = this.frames + more;
    const capacity = this.channels[0]?.length ?? 0;
    if (need <= capacity) return;
    const grown = Math.max(need, capacity * 2);
    this.channels = this.channels.map((c) => {
      const bigger = new Float32Array(grown);
      bigger.set(c.subarray(0, this.frames));
      return bigger;
    });
  }

  /** Views of the frames filled. */
  filled(): Float32Array[] {
    return this.channels.map((c) => (c.length === this.frames ? c : c.subarray(0, this.frames)));
  }
}
