import { promises as fs } from 'node:fs';
import { DecodeError, type ByteSource } from './types';

/**
 * A local file read with positional reads. Each read() returns a fresh Buffer: the wasm
 * decoders keep references to input buffers between calls (platform facts §4), so a
 * shared scratch buffer would corrupt their state. readInto() is for callers that copy the
 * bytes out at once and reuse one buffer.
 */
export class FileByteSource implements ByteSource {
  private disposed = false;

  private constructor(
    readonly uri: string,
    private readonly handle: fs.FileHandle,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<FileByteSource> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(path, 'r');
    } catch (error) {
      throw new DecodeError('io', `cannot open ${path}: ${(error as Error).message}`);
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) {
        throw new DecodeError('io', `${path} is not a regular file`);
      }
      return new FileByteSource(path, handle, stat.size);
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error instanceof DecodeError ? error : new DecodeError('io', `cannot stat ${path}: ${(error as Error).message}`);
    }
  }

  async read(offset: number, length: number): Promise<Buffer> {
    const wanted = Math.max(0, Math.min(length, this.size - offset));
    // Not zero-filled (it is overwritten), and a buffer of its own, never a pool slice.
    const buffer = Buffer.allocUnsafeSlow(wanted);
    const filled = await this.readInto(offset, buffer);
    return filled === wanted ? buffer : buffer.subarray(0, filled);
  }

  async readInto(offset: number, target: Uint8Array): Promise<number> {
    if (this.disposed) {
      throw new DecodeError('io', `${this.uri}: read after the source was closed`);
    }
    const wanted = Math.max(0, Math.min(target.length, this.size - offset));
    let filled = 0;
    // A positional read may return fewer bytes than asked; loop until done or EOF.
    while (filled < wanted) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await this.handle.read(target, filled, wanted - filled, offset + filled));
      } catch (error) {
        throw new DecodeError('io', `${this.uri}: read failed at byte ${offset + filled}: ${(error as Error).message}`, {
          byte: offset + filled,
        });
      }
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // Closing is async; a failure to close a read-only handle has no consequence to report.
    this.handle.close().catch(() => undefined);
  }
}

/** A ByteSource over bytes already in memory (tests, small embedded resources). */
export class MemoryByteSource implements ByteSource {
  readonly size: number;
  constructor(
    readonly uri: string,
    private readonly bytes: Uint8Array,
  ) {
    this.size = bytes.length;
  }
  async read(offset: number, length: number): Promise<Buffer> {
    const end = Math.min(this.size, offset + length);
    return Buffer.from(this.bytes.subarray(Math.min(offset, end), end));
  }
  dispose(): void {}
}

/**
 * A read-ahead window over a ByteSource, for decoders whose codec copies its input before
 * the next read (mpg123 and FAAD2 copy it into the wasm heap; FLAC and Ogg must not use
 * this: §4 of the platform facts). One reused block for the decoder's life when the source
 * can readInto, so decoding reads the file in `blockSize` pieces without allocating.
 */
export class ReadAhead {
  private block: Uint8Array = new Uint8Array(0);
  private blockStart = 0;
  private buffer: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly source: ByteSource,
    private readonly blockSize: number,
  ) {}

  /**
   * Bytes [start, end) of the source, from the block when it holds them, else after reading a
   * new block from `start`. Shorter only at the end of the source. Valid until the next call.
   */
  async bytes(start: number, end: number): Promise<Uint8Array> {
    const from = start - this.blockStart;
    if (from >= 0 && end - this.blockStart <= this.block.length) return this.block.subarray(from, end - this.blockStart);
    const length = Math.max(end - start, this.blockSize);
    if (this.source.readInto) {
      if (this.buffer.length < length) this.buffer = new Uint8Array(length);
      this.block = this.buffer.subarray(0, await this.source.readInto(start, this.buffer.subarray(0, length)));
    } else {
      this.block = await this.source.read(start, length);
    }
    this.blockStart = start;
    return this.block.subarray(0, end - start);
  }
}
