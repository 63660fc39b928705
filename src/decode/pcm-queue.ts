import type { PcmChunk } from './types';

/**
 * Between a codec and read(): places decoded blocks on the track's timeline, drops what lies
 * before the seek target (pre-roll) or past the end (padding), fixes the channel count,
 * and hands out chunks of bounded size.
 *
 * Blocks are kept and handed out as views of the pushed arrays, never copies (trimmed ones
 * too). So a decoder may push views of a reused output buffer (PlanarBuffer) as long as it
 * refills that buffer only when the queue is empty: every decoder's read() takes from the
 * queue first and decodes only when it is, and the chunk it handed out last is borrowed
 * until that read() (PcmChunk).
 */
export class PcmQueue {
  private readonly blocks: PcmChunk[] = [];
  private queued = 0;
  /** Frames before this are discarded (set by seek). */
  private skipUntil = 0;

  constructor(
    private readonly channels: number,
    /** Frames at or past this are discarded; undefined = no known end. */
    private readonly endFrame: number | undefined,
    private readonly maxChunk = 8192,
  ) {}

  get frames(): number {
    return this.queued;
  }

  /** Forget everything and accept only frames from `frame` on. */
  reset(frame: number): void {
    this.blocks.length = 0;
    this.queued = 0;
    this.skipUntil = frame;
  }

  /** Add decoded audio whose first frame sits at `frame` of the track. Returns the frame after it. */
  push(frame: number, data: readonly Float32Array[]): number {
    const length = data[0]?.length ?? 0;
    const end = frame + length;
    const from = Math.max(0, this.skipUntil - frame);
    let to = length;
    if (this.endFrame !== undefined) to = Math.min(to, this.endFrame - frame);
    if (to <= from) return end;
    const channels = fitChannels(data, this.channels).map((c) => (from === 0 && to === length ? c : c.subarray(from, to)));
    this.blocks.push({ frame: frame + from, channels });
    this.queued += to - from;
    this.skipUntil = Math.max(this.skipUntil, frame + to);
    return end;
  }

  /** The next chunk of at most maxChunk frames, or undefined when empty. */
  take(): PcmChunk | undefined {
    const head = this.blocks[0];
    if (!head) return undefined;
    const length = head.channels[0]!.length;
    if (length <= this.maxChunk) {
      this.blocks.shift();
      this.queued -= length;
      return head;
    }
    const chunk = { frame: head.frame, channels: head.channels.map((c) => c.subarray(0, this.maxChunk)) };
    this.blocks[0] = { frame: head.frame + this.maxChunk, channels: head.channels.map((c) => c.subarray(this.maxChunk)) };
    this.queued -= this.maxChunk;
    return chunk;
  }
}

/**
 * Make `data` have exactly `channels` channels. MP3 streams can switch between mono and
 * stereo mid-file (platform facts §4): mono is copied to every channel, extra channels are
 * mixed down by averaging into the declared layout (stereo -> mono), or dropped beyond it.
 */
export function fitChannels(data: readonly Float32Array[], channels: number): Float32Array[] {
  if (data.length === channels) return data as Float32Array[];
  const length = data[0]?.length ?? 0;
  if (data.length === 1) return Array.from({ length: channels }, (_, i) => (i === 0 ? data[0]! : data[0]!.slice()));
  if (channels === 1) {
    const mono = new Float32Array(length);
    for (const ch of data) for (let i = 0; i < length; i++) mono[i]! += ch[i]! / data.length;
    return [mono];
  }
  return Array.from({ length: channels }, (_, i) => data[i] ?? new Float32Array(length));
}
