import * as net from 'node:net';
import { Duplex } from 'node:stream';

/**
 * Old SHOUTcast servers answer `ICY 200 OK` instead of `HTTP/1.0 200 OK`, which Node's HTTP
 * parser rejects. This socket wrapper rewrites that status line and passes everything else
 * through untouched. (A wrapper, not a net.Socket: Node parses a real socket's bytes in C++,
 * out of JavaScript's reach; a plain Duplex is read through its 'data' events.)
 */
export class IcyStatusLineSocket extends Duplex {
  private head: Buffer | undefined = Buffer.alloc(0);

  constructor(private readonly socket: net.Socket) {
    super();
    socket.on('data', (data: Buffer) => this.receive(data));
    socket.on('end', () => {
      this.flushHead();
      this.push(null);
    });
    socket.on('error', (error) => this.destroy(error));
    socket.on('close', () => this.destroy());
    socket.on('connect', () => this.emit('connect'));
    socket.on('timeout', () => this.emit('timeout'));
  }

  get connecting(): boolean {
    return this.socket.connecting;
  }
  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  private receive(data: Buffer): void {
    if (this.head) {
      // The status line's first four bytes decide; they may arrive split.
      this.head = Buffer.concat([this.head, data]);
      if (this.head.length < 4) return;
      data = this.head;
      this.head = undefined;
      if (data.toString('latin1', 0, 4) === 'ICY ') data = Buffer.concat([Buffer.from('HTTP/1.0 '), data.subarray(4)]);
    }
    if (!this.push(data)) this.socket.pause();
  }

  private flushHead(): void {
    if (this.head && this.head.length > 0) this.push(this.head);
    this.head = undefined;
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.socket.write(chunk, encoding, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.destroy();
    callback(error);
  }

  setTimeout(ms: number, callback?: () => void): this {
    this.socket.setTimeout(ms, callback);
    return this;
  }
  setNoDelay(noDelay?: boolean): this {
    this.socket.setNoDelay(noDelay);
    return this;
  }
  setKeepAlive(enable?: boolean, delay?: number): this {
    this.socket.setKeepAlive(enable, delay);
    return this;
  }
  ref(): this {
    this.socket.ref();
    return this;
  }
  unref(): this {
    this.socket.unref();
    return this;
  }
}

/** A createConnection for http.request that tolerates `ICY 200 OK`. */
export function connectToleratingIcy(url: URL): () => Duplex {
  return () => new IcyStatusLineSocket(net.connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) || 80 }));
}
