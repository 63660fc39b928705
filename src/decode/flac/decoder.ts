import { PcmQueue } from '../pcm-queue';
import { DecodeError, type AudioFormat, type ByteSource, type Decoder, type PcmChunk } from '../types';
import { createFlacWasm, type FlacWasm } from '../wasm';
import { findFrameHeader } from './frame-header';
import { parseFlacStream, type FlacStream } from './metadata';

/** Bytes fed to the codec per step. (The umbrella package lost frames with small chunks; the
 * underlying decoder used here does not, but larger reads are cheaper anyway.) */
const READ_BYTES = 64 * 1024;

/**
 * FLAC through @wasm-audio-decoders/flac. Seeking is ours: SEEKTABLE points narrow the
 * range, frame-header bisection narrows it further, then the codec is restarted with the
 * STREAMINFO header followed by the bytes from that frame, and output before the target
 * is dropped. FLAC frames are independent, so this is sample-exact.
 */
export class FlacDecoder implements Decoder {
  readonly format: AudioFormat;
  private readonly queue: PcmQueue;
  private nextByte: number;
  /** Track frame of the next sample the codec will output. */
  private outFrame = 0;
  private atEnd = false;
  private disposed = false;

  private constructor(
    private readonly source: ByteSource,
    private readonly stream: FlacStream,
    private readonly wasm: FlacWasm,
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
    this.nextByte = stream.audioStart;
  }

  static async open(source: ByteSource): Promise<FlacDecoder> {
    const stream = await parseFlacStream(source);
    const wasm = await createFlacWasm();
    try {
      await wasm.decode(stream.header.slice());
      return new FlacDecoder(source, stream, wasm);
    } catch (error) {
      wasm.free();
      throw error;
    }
  }

  async read(): Promise<PcmChunk | null> {
    this.assertLive();
    for (;;) {
      const chunk = this.queue.take();
      if (chunk) return chunk;
      if (this.atEnd) {
        const total = this.stream.totalSamples;
        if (total !== undefined && this.outFrame < total && this.queue.frames === 0 && !this.reportedShort) {
          this.reportedShort = true;
          throw new DecodeError(
            'truncated',
            `${this.source.uri}: FLAC stream ends at frame ${this.outFrame} of ${total} (byte ${this.nextByte}); the file is truncated or damaged`,
            { byte: this.nextByte, frame: this.outFrame },
          );
        }
        return null;
      }
      await this.pump();
    }
  }
  private reportedShort = false;

  private async pump(): Promise<void> {
    const bytes = await this.source.read(this.nextByte, READ_BYTES);
    const at = this.nextByte;
    this.nextByte += bytes.length;
    const decoded = bytes.length === 0 ? await this.wasm.flush() : await this.wasm.decode(bytes);
    if (bytes.length === 0) {
      this.atEnd = true;
      // flush() resets the codec: give it the stream header again in case of a later seek.
      await this.wasm.decode(this.stream.header.slice());
    }
    if (decoded.errors?.length) {
      throw new DecodeError('corrupt', `${this.source.uri}: FLAC decode error near byte ${at} (frame ${this.outFrame}): ${decoded.errors[0]!.message}`, {
        byte: at,
        frame: this.outFrame,
      });
    }
    if (decoded.samplesDecoded > 0) this.outFrame = this.queue.push(this.outFrame, decoded.channelData);
  }

  async seek(frame: number): Promise<void> {
    this.assertLive();
    const total = this.stream.totalSamples ?? Number.MAX_SAFE_INTEGER;
    const target = Math.max(0, Math.min(Math.floor(frame), total));
    const start = target >= total ? undefined : await this.locate(target);
    await this.wasm.reset();
    await this.wasm.decode(this.stream.header.slice());
    this.queue.reset(target);
    this.reportedShort = false;
    if (!start) {
      this.atEnd = true;
      this.outFrame = total;
      return;
    }
    this.atEnd = false;
    this.nextByte = start.byte;
    this.outFrame = start.sample;
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
    // Bisect on frame headers until the remaining span is cheap to decode through.
    for (let i = 0; i < 40 && hi.byte - lo.byte > 2 * READ_BYTES && target - lo.sample > 4 * stream.maxBlockSize; i++) {
      const mid = Math.floor((lo.byte + hi.byte) / 2);
      const window = await this.source.read(mid, READ_BYTES);
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
    } finally {
      this.source.dispose();
    }
  }

  private assertLive(): void {
    if (this.disposed) throw new DecodeError('io', `${this.source.uri}: decoder used after dispose`);
  }
}
