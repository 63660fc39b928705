/**
 * Output arrays a decoder writes into again and again. Chunks are borrowed (types.ts): valid
 * until the decoder's next call, so one set of arrays serves every decode step and decoding
 * allocates nothing per step. Fresh arrays per step cost more than their copy: each one is
 * zeroed and its pages faulted in anew (measured: 10-20 % of a whole MP3 decode).
 */
export class PlanarBuffer {
  private arrays: Float32Array[] = [];

  constructor(private readonly channels: number) {}

  /**
   * `channels` arrays of exactly `frames` frames, views of the kept buffers (grown when too
   * small). Whatever an earlier step left in them is still there: the caller overwrites or
   * clears what it hands out.
   */
  take(frames: number): Float32Array[] {
    if ((this.arrays[0]?.length ?? -1) < frames) {
      this.arrays = Array.from({ length: this.channels }, () => new Float32Array(frames));
    }
    return this.arrays.map((a) => (a.length === frames ? a : a.subarray(0, frames)));
  }
}
