import * as fs from 'node:fs';
import { AudioSink, PcmFormat, framesOf } from './sink';

/**
 * Writes exactly the PCM that would have gone to the device into a WAV file, as fast as the
 * engine produces it (no pacing: a track "plays" in the time it takes to decode). The header's
 * sizes are written as 0 first and fixed up on close, so a crash leaves a readable raw body.
 */
export class WavSink implements AudioSink {
  readonly name: string;
  readonly needsContinuousFeed = false;
  readonly writeFrames = 4096;
  private fd: number | undefined;
  private dataBytes = 0;

  constructor(
    readonly file: string,
    readonly format: PcmFormat,
  ) {
    this.name = `wav:${file}`;
    this.fd = fs.openSync(file, 'w');
    fs.writeSync(this.fd, wavHeader(format, 0));
  }

  get writtenFrames(): number {
    return framesOf(this.dataBytes, this.format.channels);
  }

  consumedFrames(): number {
    return this.writtenFrames;
  }

  async write(pcm: Buffer): Promise<void> {
    if (this.fd === undefined) return;
    // Synchronous on purpose: small appends to a local file, and ordering stays trivial.
    fs.writeSync(this.fd, pcm);
    this.dataBytes += pcm.length;
  }

  async close(): Promise<void> {
    const fd = this.fd;
    if (fd === undefined) return;
    this.fd = undefined;
    try {
      fs.writeSync(fd, wavHeader(this.format, this.dataBytes), 0, 44, 0);
    } finally {
      fs.closeSync(fd);
    }
  }
}

export function wavHeader(format: PcmFormat, dataBytes: number): Buffer {
  const header = Buffer.alloc(44);
  const blockAlign = format.channels * 2;
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(Math.min(0xffffffff, 36 + dataBytes), 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(format.channels, 22);
  header.writeUInt32LE(format.sampleRate, 24);
  header.writeUInt32LE(format.sampleRate * blockAlign, 28);
  header.writeUInt16LE(blockAlign, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(Math.min(0xffffffff, dataBytes), 40);
  return header;
}
