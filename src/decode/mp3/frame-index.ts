import { DecodeError, type ByteSource } from '../types';
import { parseMpegHeader, sameStream, type MpegFrameHeader } from './frame-header';

const SCAN_BYTES = 256 * 1024;
/** A live stream (no size) arrives in real time: 256 KiB is 16 s of 128 kbit/s radio before the first frame. */
const LIVE_SCAN_BYTES = 16 * 1024;

/**
 * Byte offset of every audio frame, built by walking frame headers (no decoding), lazily:
 * only as far as playback or a seek has needed. It makes seeking exact (frame n starts at
 * sample n × samplesPerFrame) and costs 4 bytes per frame below 4 GiB (a 2-hour file has
 * ~275k frames: 1.1 MB), allocated once when the Xing/LAME frame count is known.
 */
export class Mp3FrameIndex {
  private offsets: Uint32Array | Float64Array;
  private count = 0;
  private scannedTo: number;
  private complete = false;
  /** Damage found past the indexed frames: reported only when playback or a seek gets there. */
  private damage: DecodeError | undefined;

  constructor(
    private readonly source: ByteSource,
    /** Offset of the first audio frame (after ID3v2 and the Xing/Info frame). */
    firstFrame: number,
    private readonly reference: MpegFrameHeader,
    /** Frame count from the Xing/LAME tag, when there is one (sizes the index). */
    expectedFrames?: number,
  ) {
    this.scannedTo = firstFrame;
    // One more than the tag says, so that a correct count never needs a reallocation; no more
    // than the file can hold at 96 bytes a frame (32 kbit/s at 48 kHz), in case the tag lies.
    const plausible = Math.ceil((source.size ?? 0) / 96) + 1;
    this.offsets = new Uint32Array(Math.max(4096, Math.min((expectedFrames ?? 0) + 1, plausible)));
  }

  get frames(): number {
    return this.count;
  }
  get isComplete(): boolean {
    return this.complete;
  }
  /** Byte just past the last indexed frame. */
  get endByte(): number {
    return this.scannedTo;
  }

  offset(frame: number): number {
    return frame < this.count ? this.offsets[frame]! : this.scannedTo;
  }

  /** Index at least `frames` frames, or up to the end of the stream. */
  async ensure(frames: number): Promise<void> {
    while (!this.complete && this.count < frames) {
      if (this.damage) throw this.damage;
      await this.scanBlock();
    }
  }

  private async scanBlock(): Promise<void> {
    const start = this.scannedTo;
    const scanBytes = this.source.size === undefined ? LIVE_SCAN_BYTES : SCAN_BYTES;
    const block = await this.source.read(start, scanBytes);
    const size = this.source.size ?? Number.MAX_SAFE_INTEGER;
    let p = 0;
    while (p + 4 <= block.length) {
      const h = parseMpegHeader(block, p);
      if (!h || !sameStream(h, this.reference)) {
        if (isTrailer(block, p, size - (start + p))) {
          this.complete = true;
          this.scannedTo = start + p;
          return;
        }
        this.scannedTo = start + p;
        this.damage = new DecodeError(
          'corrupt',
          `${this.source.uri}: MP3 stream is damaged at byte ${start + p} (no frame header after frame ${this.count})`,
          { byte: start + p },
        );
        return;
      }
      if (start + p + h.size > size) {
        // The last frame is cut short: keep what is whole.
        this.complete = true;
        this.scannedTo = start + p;
        return;
      }
      if (p + h.size > block.length && block.length === scanBytes) break; // continue in the next block
      this.push(start + p);
      p += h.size;
    }
    this.scannedTo = start + p;
    if (block.length < scanBytes && start + p >= Math.min(size, start + block.length)) this.complete = true;
    if (block.length - p < 4 && block.length < scanBytes) this.complete = true;
  }

  private push(offset: number): void {
    const wide = offset > 0xffffffff && this.offsets instanceof Uint32Array;
    if (this.count === this.offsets.length || wide) {
      const length = this.count === this.offsets.length ? Math.ceil(this.offsets.length * 1.5) : this.offsets.length;
      const grown = wide || this.offsets instanceof Float64Array ? new Float64Array(length) : new Uint32Array(length);
      grown.set(this.offsets.subarray(0, this.count));
      this.offsets = grown;
    }
    this.offsets[this.count++] = offset;
  }
}

/** What may legitimately follow the last frame: tags, or a few stray bytes. */
function isTrailer(b: Uint8Array, p: number, remaining: number): boolean {
  const text = String.fromCharCode(...b.subarray(p, p + 8));
  if (text.startsWith('TAG') || text.startsWith('APETAGEX') || text.startsWith('LYRICS') || text.startsWith('ID3')) return true;
  return remaining < 4;
}
