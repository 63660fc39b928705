import { DecodeError, type AudioFormat, type ByteSource, type Decoder, type PcmChunk } from '../types';
import { PlanarBuffer } from '../planar-buffer';
import { parseWav, type WavLayout } from './parse';

/** Frames per read(): ~93 ms at 44.1 kHz, small enough for low latency, big enough to be cheap. */
const CHUNK_FRAMES = 4096;

/** PCM WAV needs no codec: seeking is arithmetic and decoding is a conversion to float. */
export class WavDecoder implements Decoder {
  private position = 0;
  private disposed = false;
  /** One read buffer for the decoder's life when the source can read into it (no garbage per chunk). */
  private scratch: Buffer | undefined;
  private readonly output: PlanarBuffer;

  private constructor(
    private readonly source: ByteSource,
    private readonly layout: WavLayout,
    readonly format: AudioFormat,
  ) {
    this.output = new PlanarBuffer(layout.channels);
  }

  static async open(source: ByteSource): Promise<WavDecoder> {
    const layout = await parseWav(source);
    return new WavDecoder(source, layout, {
      codec: 'wav',
      sampleRate: layout.sampleRate,
      channels: layout.channels,
      totalFrames: layout.frames,
      bitsPerSample: layout.bitsPerSample,
      lossless: true,
    });
  }

  async read(): Promise<PcmChunk | null> {
    this.assertLive();
    const { layout } = this;
    const frames = Math.min(CHUNK_FRAMES, layout.frames - this.position);
    if (frames <= 0) return null;
    const start = this.position;
    const byte = layout.dataOffset + start * layout.blockAlign;
    const bytes = await this.readBytes(byte, frames * layout.blockAlign);
    const got = Math.floor(bytes.length / layout.blockAlign);
    if (got === 0) {
      throw new DecodeError('truncated', `${this.source.uri}: file ended at frame ${start} of ${layout.frames}`, { byte, frame: start });
    }
    this.position += got;
    return { frame: start, channels: deinterleave(bytes, got, layout, this.output.take(got)) };
  }

  /** Bytes at `byte`, valid until the next read (deinterleave copies them out at once). */
  private async readBytes(byte: number, length: number): Promise<Buffer> {
    if (!this.source.readInto) return this.source.read(byte, length);
    // Its own ArrayBuffer at offset 0, so the aligned fast paths below apply.
    this.scratch ??= Buffer.allocUnsafeSlow(CHUNK_FRAMES * this.layout.blockAlign);
    const got = await this.source.readInto(byte, this.scratch.subarray(0, length));
    return this.scratch.subarray(0, got);
  }

  async seek(frame: number): Promise<void> {
    this.assertLive();
    this.position = Math.max(0, Math.min(Math.floor(frame), this.layout.frames));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.source.dispose();
  }

  private assertLive(): void {
    if (this.disposed) throw new DecodeError('io', `${this.source.uri}: decoder used after dispose`);
  }
}

/** Convert `frames` frames of `bytes` into `out` (one array per channel, `frames` long). */
function deinterleave(bytes: Buffer, frames: number, layout: WavLayout, out: Float32Array[]): Float32Array[] {
  const { channels, bitsPerSample, kind, blockAlign } = layout;
  const width = bitsPerSample / 8;
  // Fast paths: typed-array views (WAV is little-endian, like every platform Node runs on),
  // when the buffer is aligned, which fresh reads are.
  if (width === 2 && kind === 'int' && bytes.byteOffset % 2 === 0) {
    const view = new Int16Array(bytes.buffer, bytes.byteOffset, frames * channels);
    for (let c = 0; c < channels; c++) {
      const dst = out[c]!;
      for (let i = 0, p = c; i < frames; i++, p += channels) dst[i] = view[p]! / 32768;
    }
    return out;
  }
  if (width === 4 && kind === 'float' && bytes.byteOffset % 4 === 0) {
    const view = new Float32Array(bytes.buffer, bytes.byteOffset, frames * channels);
    for (let c = 0; c < channels; c++) {
      const dst = out[c]!;
      for (let i = 0, p = c; i < frames; i++, p += channels) dst[i] = view[p]!;
    }
    return out;
  }
  for (let c = 0; c < channels; c++) {
    const dst = out[c]!;
    let p = c * width;
    if (kind === 'float') {
      if (width === 4) for (let i = 0; i < frames; i++, p += blockAlign) dst[i] = bytes.readFloatLE(p);
      else for (let i = 0; i < frames; i++, p += blockAlign) dst[i] = bytes.readDoubleLE(p);
    } else if (width === 1) {
      for (let i = 0; i < frames; i++, p += blockAlign) dst[i] = (bytes[p]! - 128) / 128; // 8-bit is unsigned
    } else if (width === 2) {
      for (let i = 0; i < frames; i++, p += blockAlign) dst[i] = bytes.readInt16LE(p) / 32768;
    } else if (width === 3) {
      for (let i = 0; i < frames; i++, p += blockAlign) dst[i] = bytes.readIntLE(p, 3) / 8388608;
    } else {
      for (let i = 0; i < frames; i++, p += blockAlign) dst[i] = bytes.readInt32LE(p) / 2147483648;
    }
  }
  return out;
}
