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
