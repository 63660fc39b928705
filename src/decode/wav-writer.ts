import { promises as fs } from 'node:fs';

/**
 * Writes 16-bit PCM WAV incrementally: a header with placeholder sizes first, samples as
 * they come, then the real sizes. Float samples are scaled by 32768, rounded and clipped,
 * the same conversion ffmpeg uses, so our output compares sample for sample with its.
 */
export class Wav16Writer {
  private frames = 0;

  private constructor(
    private readonly handle: fs.FileHandle,
    private readonly sampleRate: number,
    private readonly channels: number,
  ) {}

  static async create(path: string, sampleRate: number, channels: number): Promise<Wav16Writer> {
    const handle = await fs.open(path, 'w');
    const writer = new Wav16Writer(handle, sampleRate, channels);
    await handle.write(writer.header(0), 0, 44, 0);
    return writer;
  }

  async write(channels: readonly Float32Array[]): Promise<void> {
    const n = channels[0]?.length ?? 0;
    if (n === 0) return;
    const out = Buffer.alloc(n * this.channels * 2);
    for (let i = 0, p = 0; i < n; i++) {
      for (let c = 0; c < this.channels; c++, p += 2) {
        const v = Math.round(channels[c]![i]! * 32768);
        out.writeInt16LE(v > 32767 ? 32767 : v < -32768 ? -32768 : v, p);
      }
    }
    await this.handle.write(out, 0, out.length, 44 + this.frames * this.channels * 2);
    this.frames += n;
  }

  get framesWritten(): number {
    return this.frames;
  }

  /** Patch the sizes and close. */
  async close(): Promise<void> {
    try {
      await this.handle.write(this.header(this.frames * this.channels * 2), 0, 44, 0);
    } finally {
      await this.handle.close();
    }
  }

  private header(dataBytes: number): Buffer {
    const h = Buffer.alloc(44);
    h.write('RIFF', 0, 'latin1');
    h.writeUInt32LE(36 + dataBytes, 4);
    h.write('WAVEfmt ', 8, 'latin1');
    h.writeUInt32LE(16, 16);
    h.writeUInt16LE(1, 20);
    h.writeUInt16LE(this.channels, 22);
    h.writeUInt32LE(this.sampleRate, 24);
    h.writeUInt32LE(this.sampleRate * this.channels * 2, 28);
    h.writeUInt16LE(this.channels * 2, 32);
    h.writeUInt16LE(16, 34);
    h.write('data', 36, 'latin1');
    h.writeUInt32LE(dataBytes, 40);
    return h;
  }
}
