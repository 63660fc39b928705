import { DecodeError, type AudioFormat, type Decoder, type PcmChunk } from './types';

/**
 * Makes a decoder safe to call without waiting: read() and seek() run one at a time in call
 * order (a seek issued while a read is pending runs after it, so the next read starts at
 * the seek target), and dispose() frees the codec only once the calls issued before it are
 * done — never under a running wasm call. Calls after dispose() reject.
 */
export class SerialDecoder implements Decoder {
  private tail: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(private readonly inner: Decoder) {}

  get format(): AudioFormat {
    return this.inner.format;
  }

  read(): Promise<PcmChunk | null> {
    return this.enqueue(() => this.inner.read());
  }

  seek(frame: number): Promise<void> {
    return this.enqueue(() => this.inner.seek(frame));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    void this.tail.then(() => this.inner.dispose());
  }

  private enqueue<T>(call: () => Promise<T>): Promise<T> {
    if (this.disposed) return Promise.reject(new DecodeError('io', 'decoder used after dispose'));
    // Calls issued before dispose() still run; dispose() frees the codec after them.
    const result = this.tail.then(call);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
