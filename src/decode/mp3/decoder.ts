import { ReadAhead } from '../byte-source';
import { id3v2Size } from '../id3';
import { PcmQueue } from '../pcm-queue';
import { PlanarBuffer } from '../planar-buffer';
import { DecodeError, type AudioFormat, type ByteSource, type Decoder, type PcmChunk } from '../types';
import { createMpegWasm, mpegDecodeInto, type MpegWasm } from '../wasm';
import { parseMpegHeader, sameStream, type MpegFrameHeader } from './frame-header';
import { Mp3FrameIndex } from './frame-index';
import { parseXing, type XingInfo } from './xing';

/** mpg123's synthesis delay: LAME's encoder delay excludes it, players add it (as ffmpeg does). */
const DECODER_DELAY = 529;
const FRAMES_PER_STEP = 16;
/** The bit reservoir can reach back 511 bytes into earlier frames. */
const MAX_RESERVOIR = 511;
/** Bytes read at once for decoding (~5 s at 192 kbit/s): one read per ~12 steps, not each. */
const READ_AHEAD = 128 * 1024;

/**
 * MP3 through mpg123-decoder, fed one frame at a time from an exact frame index. Frame n
 * decodes to samples [n × spf, (n+1) × spf) of the raw stream; the track is that stream
 * minus the encoder delay + decoder delay at the start and the padding at the end (from the
 * LAME/Xing tag). A seek restarts the codec a few frames early (bit reservoir and overlap)
 * and drops the pre-roll, so it lands on the same samples as a full decode.
 */
export class Mp3Decoder implements Decoder {
  readonly format: AudioFormat;
  private readonly queue: PcmQueue;
  private readonly lead: number;
  private readonly spf: number;
  private nextFrame = 0;
  private atEnd = false;
  private reportedShort = false;
  private disposed = false;
  /** Whether mpg123 has decoded anything since it was created or reset. */
  private used = false;
  /** mpg123 copies its input into the wasm heap, so views of a reused block are safe to hand it. */
  private readonly readAhead: ReadAhead;
  private readonly output = new PlanarBuffer(2);

  private constructor(
    private readonly source: ByteSource,
    private readonly index: Mp3FrameIndex,
    private readonly wasm: MpegWasm,
    header: MpegFrameHeader,
    xing: XingInfo | undefined,
  ) {
    this.readAhead = new ReadAhead(source, READ_AHEAD);
    this.spf = header.samplesPerFrame;
    // Without a LAME tag nothing says where the music starts; like ffmpeg, trim nothing.
    this.lead = xing?.encoderDelay !== undefined ? xing.encoderDelay + DECODER_DELAY : 0;
    let total: number | undefined;
    if (xing?.frames !== undefined) total = xing.frames * this.spf - (xing.encoderDelay ?? 0) - (xing.encoderPadding ?? 0);
    else if (index.isComplete) total = index.frames * this.spf;
    this.format = {
      codec: 'mp3',
      sampleRate: header.sampleRate,
      channels: header.channels,
      totalFrames: total,
      bitsPerSample: undefined,
      lossless: false,
    };
    this.queue = new PcmQueue(header.channels, total);
  }

  static async open(source: ByteSource): Promise<Mp3Decoder> {
    const { offset, header } = await findFirstFrame(source);
    const head = await source.read(offset, header.size);
    const xing = parseXing(head, 0, header);
    const index = new Mp3FrameIndex(source, xing ? offset + header.size : offset, header, xing?.frames);
    // Without a frame count in a tag, index small files fully so the length is exact.
    if (xing?.frames === undefined && (source.size ?? Infinity) <= 32 * 1024 * 1024) await index.ensure(Infinity);
    else await index.ensure(1);
    if (index.frames === 0) throw new DecodeError('corrupt', `${source.uri}: MP3 has no audio frames`, { byte: offset });
    const wasm = await createMpegWasm();
    return new Mp3Decoder(source, index, wasm, header, xing);
  }

  async read(): Promise<PcmChunk | null> {
    this.assertLive();
    for (;;) {
      const chunk = this.queue.take();
      if (chunk) return chunk;
      if (this.atEnd) return this.endOfStream();
      await this.decodeStep();
    }
  }

  private endOfStream(): null {
    const total = this.format.totalFrames;
    const reached = this.index.frames * this.spf - this.lead;
    if (total !== undefined && reached < total && !this.reportedShort) {
      this.reportedShort = true;
      throw new DecodeError('truncated', `${this.source.uri}: MP3 ends at frame ${Math.max(0, reached)} of ${total}; the file is truncated`, {
        byte: this.index.endByte,
        frame: Math.max(0, reached),
      });
    }
    return null;
  }

  private async decodeStep(): Promise<void> {
    const first = this.nextFrame;
    await this.index.ensure(first + FRAMES_PER_STEP + 1);
    const last = Math.min(this.index.frames, first + FRAMES_PER_STEP);
    if (first >= last) {
      this.atEnd = true;
      return;
    }
    const start = this.index.offset(first);
    const bytes = await this.readAhead.bytes(start, this.index.offset(last));
    // One call for the whole run of frames: per-call overhead dominates otherwise.
    this.used = true;
    const expected = (last - first) * this.spf;
    const [left, right] = this.output.take(expected) as [Float32Array, Float32Array];
    let written = mpegDecodeInto(this.wasm, bytes, [left, right]);
    if (written === undefined) {
      const decoded = this.wasm.decode(bytes);
      const [l, r] = [decoded.channelData[0] ?? new Float32Array(0), decoded.channelData[1] ?? decoded.channelData[0] ?? new Float32Array(0)];
      written = Math.min(expected, l.length);
      left.set(l.subarray(0, written));
      right.set(r.subarray(0, written));
    }
    // Damaged frames decode short: the rest of this run is silence so that the timeline holds
    // (the damage is within these few frames anyway).
    left.fill(0, written);
    right.fill(0, written);
    this.queue.push(first * this.spf - this.lead, [left, right]);
    this.nextFrame = last;
  }

  async seek(frame: number): Promise<void> {
    this.assertLive();
    const total = this.format.totalFrames ?? Number.MAX_SAFE_INTEGER;
    const target = Math.max(0, Math.min(Math.floor(frame), total));
    const mpegFrame = Math.floor((target + this.lead) / this.spf);
    await this.index.ensure(mpegFrame + 1);
    this.queue.reset(target);
    this.reportedShort = false;
    if (mpegFrame >= this.index.frames) {
      this.atEnd = true;
      this.nextFrame = this.index.frames;
      return;
    }
    this.atEnd = false;
    // No codec reset (re-instantiating mpg123 costs ~15 ms): the pre-roll refills the bit
    // reservoir and the overlap from the new position, and its output is dropped. Near the
    // start there is no room for it: the first frame would overlap with where the codec was,
    // which the encoder delay hides when a LAME tag trims it, not otherwise (measured: 4000
    // LSB off in a file without the tag). There, and only when it has decoded, reset it.
    this.nextFrame = await this.prerollStart(mpegFrame);
    if (this.nextFrame === 0 && this.used) {
      await this.wasm.reset();
      this.used = false;
    }
  }

  /** First frame to feed so that frame `n` decodes exactly: its predecessor must be whole
   * (overlap-add), and both need their bit reservoir, up to 511 bytes of earlier frames. */
  private async prerollStart(n: number): Promise<number> {
    let start = Math.max(0, n - 1);
    let bytes = 0;
    while (start > 0 && bytes < MAX_RESERVOIR) {
      start--;
      bytes += this.index.offset(start + 1) - this.index.offset(start);
    }
    // Measured: mpg123 needs a few more frames than the reservoir rule alone after a
    // restart (VBR files with tiny frames failed with one); 3 more cost ~0.1 ms.
    return Math.max(0, start - 3);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    try {
      this.wasm.free();
    } finally {
      this.source.dispose();
    }
  }

  private assertLive(): void {
    if (this.disposed) throw new DecodeError('io', `${this.source.uri}: decoder used after dispose`);
  }
}

/** The first frame header that is followed by a second one of the same stream (resync). */
async function findFirstFrame(source: ByteSource): Promise<{ offset: number; header: MpegFrameHeader }> {
  const base = await id3v2Size(source);
  const window = await source.read(base, source.size === undefined ? 16 * 1024 : 64 * 1024);
  if (window.length === 0 && base === 0) throw new DecodeError('empty', `${source.uri}: the file is empty`);
  for (let p = 0; p + 4 <= window.length; p++) {
    if (window[p] !== 0xff) continue;
    const h = parseMpegHeader(window, p);
    if (!h) continue;
    const next = p + h.size;
    if (next + 4 <= window.length) {
      const h2 = parseMpegHeader(window, next);
      if (!h2 || !sameStream(h, h2)) continue;
    } else if (base + next !== source.size) {
      continue;
    }
    return { offset: base + p, header: h };
  }
  throw new DecodeError('corrupt', `${source.uri}: no MPEG audio frames found (not an MP3 file?)`, { byte: base });
}

