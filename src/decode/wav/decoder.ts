import { DecodeError, type AudioFormat, type ByteSource, type Decoder, type PcmChunk } from '../types';
import { ReadAhead } from '../byte-source';
import { PlanarBuffer } from '../planar-buffer';
import { parseWav, type WavLayout } from './parse';

/** Frames per chunk: ~186 ms at 44.1 kHz, the decode layer's largest chunk. */
const CHUNK_FRAMES = 8192;
/** Bytes per read from the source (~0.74 s of CD audio): one read serves several chunks, as
 * each read is a round trip to the file system (they were a third of the decode time). */
const READ_BYTES = 128 * 1024;

/** PCM WAV needs no codec: seeking is arithmetic and decoding is a conversion to float. */
export class WavDecoder implements Decoder {
  private position = 0;
  private disposed = false;
  /** One block read serves several chunks (its buffer reused when the source reads into it). */
  private readonly readAhead: ReadAhead;
  private readonly output: PlanarBuffer;

  private constructor(
    private readonly source: ByteSource,
    private readonly layout: WavLayout,
    readonly format: AudioFormat,
  ) {
    this.output = new PlanarBuffer(layout.channels);
    // Whole frames per block, so every chunk starts aligned for the typed-array fast paths.
    this.readAhead = new ReadAhead(source, READ_BYTES - (READ_BYTES % layout.blockAlign));
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

  /** Bytes [byte, byte + length) or fewer at the end, valid until the next read (deinterleave
   * copies them out at once), as a Buffer view for its readers of odd widths. */
  private async readBytes(byte: number, length: number): Promise<Buffer> {
    const bytes = await this.readAhead.bytes(byte, byte + length);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
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

/** 1 / 32768, exact (a power of two): the same results as dividing, as a multiply. */
const INT16_SCALE = 1 / 32768;

/** Convert `frames` frames of `bytes` into `out` (one array per channel, `frames` long). */
function deinterleave(bytes: Buffer, frames: number, layout: WavLayout, out: Float32Array[]): Float32Array[] {
  const { channels, bitsPerSample, kind, blockAlign } = layout;
  const width = bitsPerSample / 8;
  // Fast paths: typed-array views (WAV is little-endian, like every platform Node runs on),
  // when the buffer is aligned, which fresh reads are.
  if (width === 2 && kind === 'int' && bytes.byteOffset % 2 === 0) {
    const view = new Int16Array(bytes.buffer, bytes.byteOffset, frames * channels);
    if (channels === 2) {
      // The common case in one pass over the samples.
      const [left, right] = out as [Float32Array, Float32Array];
      for (let i = 0, p = 0; i < frames; i++, p += 2) {
        left[i] = view[p]! * INT16_SCALE;
        right[i] = view[p + 1]! * INT16_SCALE;
      }
      return out;
    }
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
