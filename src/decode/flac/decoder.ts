import { PcmQueue } from '../pcm-queue';
import { PlanarBuffer } from '../planar-buffer';
import { DecodeError, type AudioFormat, type ByteSource, type Decoder, type PcmChunk } from '../types';
import { createFlacWasm, flacDecodeInto, renewFlacWasm, type FlacWasm } from '../wasm';
import { findFrameHeader, frameCrcOk, parseFrameHeader, type FrameHeader } from './frame-header';
import { parseFlacStream, type FlacStream } from './metadata';

const READ_BYTES = 64 * 1024;
const FRAMES_PER_STEP = 16;
/** No FLAC frame is this long (the format's limit is far lower for any real encoder). */
const MAX_FRAME_BYTES = 1024 * 1024;

/**
 * FLAC through @wasm-audio-decoders/flac's frame decoder. We split the stream into frames
 * ourselves (header CRC-8, consecutive sample numbers, frame CRC-16) and hand whole frames
 * over. A seek is a new read position on a fresh libFLAC decoder: SEEKTABLE points narrow
 * the range, frame-header bisection narrows it further, and output before the target is
 * dropped. Every frame's position comes from its own header, so the timeline
 * cannot drift, and a damaged frame is reported where it is.
 */
export class FlacDecoder implements Decoder {
  readonly format: AudioFormat;
  private readonly queue: PcmQueue;
  private readonly output: PlanarBuffer;
  /** Unsplit bytes, starting at a frame header at file offset `bufferAt`. */
  private buffer: Uint8Array = new Uint8Array(0);
  /** The whole array `buffer` is a window of (its bytes before the window are split off). */
  private backing: Uint8Array = new Uint8Array(0);
  /** Arrays replaced by fill() during the current step: its frames may still point into them. */
  private readonly stepArrays: Uint8Array[] = [];
  /** Arrays free to read into again (the step whose frames they held is decoded). */
  private readonly spareArrays: Uint8Array[] = [];
  private bufferAt: number;
  private eof = false;
  /** Header of the frame at buffer[0], once known. */
  private current: FrameHeader | undefined;
  private atEnd = false;
  private reached = 0;
  private reportedShort = false;
  private disposed = false;
  /** A codec instance being reset in the background, for the next seek. */
  private spare: Promise<FlacWasm | undefined> | undefined;

  private constructor(
    private readonly source: ByteSource,
    private readonly stream: FlacStream,
    private wasm: FlacWasm,
  ) {
    this.format = {
      codec: 'flac',
      sampleRate: stream.sampleRate,
      channels: stream.channels,
      totalFrames: stream.totalSamples,
      bitsPerSample: stream.bitsPerSample,
      lossless: true,
    };
    this.queue = new PcmQueue(stream.channels, stream.totalSamples);
    this.output = new PlanarBuffer(stream.channels);
    this.bufferAt = stream.audioStart;
  }

  static async open(source: ByteSource): Promise<FlacDecoder> {
    const stream = await parseFlacStream(source);
    const wasm = await createFlacWasm();
    return new FlacDecoder(source, stream, wasm);
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
    const total = this.stream.totalSamples;
    if (total !== undefined && this.reached < total && !this.reportedShort) {
      this.reportedShort = true;
      throw new DecodeError(
        'truncated',
        `${this.source.uri}: FLAC stream ends at frame ${this.reached} of ${total} (byte ${this.bufferAt}); the file is truncated or damaged`,
        { byte: this.bufferAt, frame: this.reached },
      );
    }
    return null;
  }

  private async decodeStep(): Promise<void> {
    const frames: Uint8Array[] = [];
    let first: FrameHeader | undefined;
    while (frames.length < FRAMES_PER_STEP) {
      const frame = await this.nextFrame();
      if (!frame) break;
      first ??= frame.header;
      // Frames are consecutive within a step (nextFrame checks it), so one call decodes all.
      frames.push(frame.bytes);
      this.reached = frame.header.sample + frame.header.blockSize;
    }
    if (!first) {
      this.atEnd = true;
      return;
    }
    const expected = this.reached - first.sample;
    const { samples, channelData, errors } = await this.decodeFrames(frames, expected);
    // The frames are decoded (copied into the codec): the arrays they were in can be read into again.
    this.recycleStepArrays();
    // libFLAC may report MISSING_FRAME when frame numbers jump; the samples are still all
    // there. Anything else, or a short output, is real damage.
    const benign = samples === expected && errors.every((e) => /MISSING_FRAME/.test(e));
    if (errors.length && !benign) {
      throw new DecodeError('corrupt', `${this.source.uri}: FLAC decode error in the frame at sample ${first.sample}: ${errors[0]!}`, {
        frame: first.sample,
      });
    }
    if (samples > 0) this.queue.push(first.sample, channelData);
    if (this.stream.totalSamples !== undefined && this.reached >= this.stream.totalSamples) this.atEnd = true;
  }

  /** Decode consecutive whole frames holding `expected` samples into arrays of that size. */
  private async decodeFrames(frames: Uint8Array[], expected: number): Promise<{ samples: number; channelData: Float32Array[]; errors: string[] }> {
    const out = this.output.take(expected);
    const direct = flacDecodeInto(this.wasm, frames, out);
    if (direct) {
      const channelData = direct.samples < expected ? out.map((c) => c.subarray(0, direct.samples)) : out;
      return { samples: direct.samples, channelData, errors: direct.errors };
    }
    const decoded = await quietly(() => this.wasm.decodeFrames(frames));
    return { samples: decoded.samplesDecoded, channelData: decoded.channelData, errors: (decoded.errors ?? []).map((e) => e.message) };
  }

  /** Split off the next whole frame, or undefined at the end of the stream. */
  private async nextFrame(): Promise<{ header: FrameHeader; bytes: Uint8Array } | undefined> {
    if (!this.current) {
      if (!(await this.fill(16))) return undefined;
      this.current = parseFrameHeader(this.buffer, 0, this.stream);
      if (!this.current) {
        if (this.eof && this.buffer.length < 16) return undefined; // stray bytes (or a tag) at the end
        throw new DecodeError('corrupt', `${this.source.uri}: no FLAC frame at byte ${this.bufferAt}`, { byte: this.bufferAt, frame: this.reached });
      }
    }
    const header = this.current;
    const want = header.sample + header.blockSize;
    for (let from = 2; ; ) {
      // The next frame starts where a header with the following sample number begins and
      // the bytes before it pass the frame's CRC-16.
      // indexOf finds the candidate sync bytes natively, far faster than a loop over bytes.
      const buffer = this.buffer;
      const last = buffer.length - 16;
      for (let at = buffer.indexOf(0xff, from); at !== -1 && at <= last; at = buffer.indexOf(0xff, at + 1)) {
        const next = parseFrameHeader(buffer, at, this.stream);
        if (next && next.sample === want && frameCrcOk(buffer, 0, at)) return this.cut(at, next, header);
      }
      from = Math.max(2, from, last + 1);
      if (this.eof) {
        // The last frame runs to the end of the file (minus trailing bytes it does not need).
        if (frameCrcOk(this.buffer, 0, this.buffer.length)) return this.cut(this.buffer.length, undefined, header);
        return undefined; // cut short: endOfStream() reports it
      }
      if (this.buffer.length > MAX_FRAME_BYTES) {
        throw new DecodeError('corrupt', `${this.source.uri}: damaged FLAC frame at byte ${this.bufferAt} (sample ${header.sample})`, {
          byte: this.bufferAt,
          frame: header.sample,
        });
      }
      await this.fill(this.buffer.length + READ_BYTES);
    }
  }

  private cut(at: number, next: FrameHeader | undefined, header: FrameHeader): { header: FrameHeader; bytes: Uint8Array } {
    const bytes = this.buffer.subarray(0, at);
    this.buffer = this.buffer.subarray(at);
    this.bufferAt += at;
    this.current = next;
    return { header, bytes };
  }

  /** Make the buffer hold at least `length` bytes (fewer only at EOF). Returns false if empty. */
  private async fill(length: number): Promise<boolean> {
    while (this.buffer.length < length && !this.eof) {
      const at = this.bufferAt + this.buffer.length;
      const wanted = Math.max(READ_BYTES, length - this.buffer.length);
      let joined: Uint8Array;
      let got: number;
      if (this.source.readInto) {
        // Read straight behind the leftover bytes, into another array than the one the step's
        // frames so far point into (a spare from an earlier step: no allocation, no fresh
        // pages to fault in; ~50 ms of a 3-minute decode went to that).
        const kept = this.buffer.length;
        const size = kept + Math.max(0, Math.min(wanted, (this.source.size ?? Infinity) - at));
        const array = this.arrayOf(size);
        array.set(this.buffer, 0);
        got = await this.source.readInto(at, array.subarray(kept, size));
        joined = array.subarray(0, kept + got);
      } else {
        const more = await this.source.read(at, wanted);
        got = more.length;
        joined = new Uint8Array(this.buffer.length + more.length);
        joined.set(this.buffer, 0);
        joined.set(more, this.buffer.length);
      }
      if (got === 0) this.eof = true;
      this.buffer = joined;
      if (got < READ_BYTES && this.bufferAt + this.buffer.length >= (this.source.size ?? Infinity)) this.eof = true;
    }
    return this.buffer.length > 0;
  }

  /** An array of at least `size` bytes to become the backing of the buffer; the old backing is
   * kept until the step is decoded. */
  private arrayOf(size: number): Uint8Array {
    if (this.backing.length > 0) this.stepArrays.push(this.backing);
    let array = this.spareArrays.pop();
    if (!array || array.length < size) array = Buffer.allocUnsafeSlow(Math.max(size, 2 * READ_BYTES));
    this.backing = array;
    return array;
  }

  private recycleStepArrays(): void {
    // Two spares cover a step that spans two reads; more would only hold memory.
    for (const array of this.stepArrays) if (this.spareArrays.length < 2) this.spareArrays.push(array);
    this.stepArrays.length = 0;
  }

  async seek(frame: number): Promise<void> {
    this.assertLive();
    const total = this.stream.totalSamples ?? Number.MAX_SAFE_INTEGER;
    const target = Math.max(0, Math.min(Math.floor(frame), total));
    this.queue.reset(target);
    this.reportedShort = false;
    this.buffer = new Uint8Array(0);
    this.current = undefined;
    this.eof = false;
    if (target >= total) {
      this.atEnd = true;
      this.reached = total;
      return;
    }
    const start = await this.locate(target);
    await this.freshCodec();
    this.atEnd = false;
    this.bufferAt = start.byte;
    this.reached = start.sample;
  }

  /**
   * libFLAC keeps state across frames: after a jump it reports MISSING_FRAME and, on some
   * jumps (measured: into the short last frame, 186 frames ahead), reads out of bounds. So a
   * seek continues on a fresh libFLAC decoder, created in the same wasm instance. Should the
   * library not allow that, the old instance is reset in the background (a reset
   * re-instantiates the wasm, ~10 ms) and kept as the spare for the next seek.
   */
  private async freshCodec(): Promise<void> {
    if (!this.spare && renewFlacWasm(this.wasm)) return;
    const old = this.wasm;
    const ready = this.spare ? await this.spare : undefined;
    this.wasm = ready ?? (await createFlacWasm());
    this.spare = old.reset().then(
      () => old,
      () => undefined,
    );
  }

  /** A frame boundary at or before `target`: the closest the seek table and bisection find. */
  private async locate(target: number): Promise<{ byte: number; sample: number }> {
    const { stream } = this;
    let lo = { byte: stream.audioStart, sample: 0 };
    let hi = { byte: this.source.size ?? Number.MAX_SAFE_INTEGER, sample: stream.totalSamples ?? Number.MAX_SAFE_INTEGER };
    for (const point of stream.seekPoints) {
      const at = { byte: stream.audioStart + point.offset, sample: point.sample };
      if (point.sample <= target && point.sample >= lo.sample) lo = at;
      else if (point.sample > target && point.sample < hi.sample) hi = at;
    }
    // Bisect on frame headers until the target's frame is close: decoding through a few
    // frames costs less than more reads.
    const probe = 16 * 1024;
    for (let i = 0; i < 40 && hi.byte - lo.byte > 2 * probe && target - lo.sample > 2 * stream.maxBlockSize; i++) {
      // Interpolate rather than halve: FLAC bitrates are fairly even, so this converges fast.
      const fraction = (target - lo.sample) / Math.max(1, hi.sample - lo.sample);
      const guess = lo.byte + Math.floor((hi.byte - lo.byte) * Math.min(0.95, Math.max(0.05, fraction))) - probe / 2;
      const mid = Math.max(lo.byte + 1, Math.min(hi.byte - probe, guess));
      const window = await this.source.read(mid, probe);
      const found = findFrameHeader(window, 0, stream);
      if (!found || found.header.sample <= lo.sample || found.header.sample >= hi.sample) {
        hi = { byte: mid, sample: hi.sample };
        continue;
      }
      const at = { byte: mid + found.at, sample: found.header.sample };
      if (at.sample <= target) lo = at;
      else hi = at;
    }
    return lo;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    try {
      this.wasm.free();
      void this.spare?.then((spare) => spare?.free());
    } finally {
      this.source.dispose();
    }
  }

  private assertLive(): void {
    if (this.disposed) throw new DecodeError('io', `${this.source.uri}: decoder used after dispose`);
  }
}

/**
 * The FLAC library console.error()s every decoder error; we report errors ourselves as
 * DecodeErrors (and expect a benign one after each seek), so keep its copy off stderr. Its
 * decodeFrames() does all its work synchronously before returning the promise.
 */
function quietly<T>(call: () => Promise<T>): Promise<T> {
  const original = console.error;
  console.error = () => undefined;
  try {
    return call();
  } finally {
    console.error = original;
  }
}
