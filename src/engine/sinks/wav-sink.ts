import * as fs from 'node:fs';
import { AudioSink, PcmFormat, framesOf } from './sink';

/**
 * The format each engine (keyed by its sink spec, one per engine) last wrote to its WAV file, so
 * that reopening it (a long pause released the output, a track ended before its successor was
 * preloaded) appends instead of truncating: `--output wav:FILE` over a queue keeps every track.
 * An engine's first open starts the file afresh.
 */
const opened = new WeakMap<object, PcmFormat>();

/**
 * Writes exactly the PCM that would have gone to the device into a WAV file, as fast as the
 * engine produces it (no pacing: a track "plays" in the time it takes to decode). The header's
 * sizes are written as 0 first and fixed up on close, so a crash leaves a readable raw body.
 * One header per file: a reopen in the same format appends to the body; a reopen in another
 * format cannot share the header, so the file starts again (logged by the caller's output line).
 */
export class WavSink implements AudioSink {
  readonly name: string;
  readonly needsContinuousFeed = false;
  readonly writeFrames = 4096;
  private fd: number | undefined;
  /** Body bytes already in the file from earlier opens. */
  private readonly earlierBytes: number;
  /** Body bytes this sink wrote (its frame count starts at 0, like a freshly opened device). */
  private dataBytes = 0;

  constructor(
    readonly file: string,
    readonly format: PcmFormat,
    /** The engine's sink spec: what identifies "the same output" across reopens. */
    owner: object = {},
  ) {
    this.name = `wav:${file}`;
    const previous = opened.get(owner);
    const size = previous && sameFormat(previous, format) && fs.existsSync(file) ? fs.statSync(file).size : 0;
    if (size >= 44) {
      this.fd = fs.openSync(file, 'r+');
      this.earlierBytes = size - 44;
    } else {
      this.fd = fs.openSync(file, 'w');
      this.earlierBytes = 0;
      fs.writeSync(this.fd, wavHeader(format, 0));
    }
    opened.set(owner, format);
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
    // Explicit positions: a reopened file ('r+') starts at offset 0.
    fs.writeSync(this.fd, pcm, 0, pcm.length, 44 + this.earlierBytes + this.dataBytes);
    this.dataBytes += pcm.length;
  }

  async close(): Promise<void> {
    const fd = this.fd;
    if (fd === undefined) return;
    this.fd = undefined;
    try {
      fs.writeSync(fd, wavHeader(this.format, this.earlierBytes + this.dataBytes), 0, 44, 0);
    } finally {
      fs.closeSync(fd);
    }
  }
}

function sameFormat(a: PcmFormat, b: PcmFormat): boolean {
  return a.sampleRate === b.sampleRate && a.channels === b.channels;
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
